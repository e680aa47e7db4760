package dev.statestore.conformance;

import java.util.List;

/** A record stored through the JSON codec by the conformance suite. */
public record Item(String name, int count, List<String> tags) {
}
