package dev.statestore.internal.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way a duration is written, in the config file ({@code ttl}, {@code journalRetention}...),
 * on the command line ({@code put --ttl}) and to the bench tool ({@code --duration},
 * {@code --warmup}): a number with a unit, {@code ms}, {@code s}, {@code m}, {@code h} or
 * {@code d} ({@code 500ms}, {@code 0.5s}, {@code 7d}), or ISO-8601 ({@code PT30S}). Each caller
 * says in its own typed error which values it takes.
 */
public final class Durations {
    /** Examples for error messages. */
    public static final String EXAMPLES = "500ms, 30s, 15m, 2h, 7d or PT30S";
    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private Durations() {
    }

    /** {@code text} as a duration, or null when it is not written as one (or is out of range). */
    public static Duration parse(String text) {
        String t = text.trim();
        try {
            Matcher m = AMOUNT.matcher(t);
            if (!m.matches()) {
                return Duration.parse(t);
            }
            long nanosPerUnit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 86_400_000_000_000L;
            };
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
            return Duration.ofSeconds(0, nanos.setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException | DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    /** {@code text} as a duration above zero, or null. */
    public static Duration parsePositive(String text) {
        Duration d = parse(text);
        return d == null || d.isNegative() || d.isZero() ? null : d;
    }
}
