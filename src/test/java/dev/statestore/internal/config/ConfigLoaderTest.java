package dev.statestore.internal.config;

import dev.statestore.ConfigException;
import dev.statestore.Durability;
import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading {@code statestore.yaml}: valid files, and every kind of mistake refused with a message that helps. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("statestore.yaml"), text);
    }

    private ConfigException refused(String text) throws IOException {
        Path file = yaml(text);
        ConfigException e = assertThrows(ConfigException.class, () -> StoreConfig.load(file));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        return e;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected \"" + part + "\" in: " + message);
        }
    }

    // ---------------------------------------------------------------- valid files

    @Test
    void validFileGivesTheConfigItDescribes() throws IOException {
        Path data = dir.resolve("stores-here");
        StoreConfig config = StoreConfig.load(yaml(String.join("\n",
                "dataDir: " + data,
                "groupAccess: true",
                "defaults:",
                "  entries: 5000",
                "  averageKeySize: 20",
                "  averageValueSize: 300",
                "  maxGrowth: 2.5",
                "  journal: false",
                "  sync: always",
                "stores:",
                "  sessions:",
                "    entries: 100",
                "    averageValueSize: 512",
                "  cache.v2:",
                "")));

        assertEquals(data, config.dataDir());
        assertTrue(config.groupAccess());
        assertEquals(MapOptions.builder().entries(5000).averageKeySize(20).averageValueSize(300).maxGrowth(2.5)
                .journal(false).sync(Durability.ALWAYS).build(), config.defaults());
        assertEquals(Map.of("sessions", MapOptions.builder().entries(100).averageValueSize(512).build(),
                "cache.v2", MapOptions.defaults()), config.stores());

        MapOptions sessions = config.optionsFor("sessions", MapOptions.defaults());
        assertEquals(100, sessions.resolvedEntries());
        assertEquals(512, sessions.resolvedAverageValueSize());
        assertEquals(20, sessions.resolvedAverageKeySize());
        assertEquals(2.5, sessions.resolvedMaxGrowth());
        assertEquals(5000, config.optionsFor("other", MapOptions.defaults()).resolvedEntries());
    }

    @Test
    void emptyFileGivesTheBuiltInDefaults() throws IOException {
        StoreConfig config = StoreConfig.load(yaml("# nothing set\n"));
        assertEquals(Path.of("./data"), config.dataDir());
        assertFalse(config.groupAccess());
        assertEquals(MapOptions.defaults(), config.defaults());
        assertEquals(Map.of(), config.stores());
    }

    @Test
    void dataDirectoryGivenByTheCallerWinsOverTheFile() throws IOException {
        Path override = dir.resolve("elsewhere");
        assertEquals(override, StoreConfig.load(yaml("dataDir: /var/lib/statestore\n"), override).dataDir());
    }

    @Test
    void systemPropertyOverridesTheFilesDataDirectory() throws IOException {
        Path file = yaml("dataDir: /var/lib/statestore\n");
        String previous = System.setProperty("statestore.dataDir", dir.resolve("from-property").toString());
        try {
            assertEquals(dir.resolve("from-property"), StoreConfig.load(file).dataDir());
        } finally {
            if (previous == null) {
                System.clearProperty("statestore.dataDir");
            } else {
                System.setProperty("statestore.dataDir", previous);
            }
        }
    }

    @Test
    void exampleConfigShippedInTheRepositoryIsValid() {
        Path example = Path.of("config", "statestore.yaml");
        assertTrue(Files.isRegularFile(example), "tests run from the project directory");
        StoreConfig config = StoreConfig.load(example, dir);
        assertEquals(dir, config.dataDir());
    }

    // ---------------------------------------------------------------- unknown keys

    @Test
    void misspeltDefaultsKeyIsRefusedSuggestingTheRightOne() throws IOException {
        ConfigException e = refused("defaults:\n  entires: 1000\n");
        assertContains(e.getMessage(), "unknown key 'defaults.entires'", "did you mean 'defaults.entries'?",
                "valid keys here: entries, averageKeySize, averageValueSize, maxGrowth");
    }

    @Test
    void misspeltStoreKeyIsRefusedSuggestingTheRightOne() throws IOException {
        ConfigException e = refused("stores:\n  sessions:\n    averageValueSise: 512\n");
        assertContains(e.getMessage(), "unknown key 'stores.sessions.averageValueSise'",
                "did you mean 'stores.sessions.averageValueSize'?");
    }

    @Test
    void unknownTopLevelKeyIsRefusedSuggestingTheClosest() throws IOException {
        ConfigException e = refused("datadir: /tmp/x\n");
        assertContains(e.getMessage(), "unknown key 'datadir'", "did you mean 'dataDir'?",
                "valid keys here: dataDir, groupAccess, defaults, stores");
    }

    @Test
    void optionAtTheTopLevelInsteadOfUnderDefaultsIsRefused() throws IOException {
        ConfigException e = refused("entries: 1000\n");
        assertContains(e.getMessage(), "unknown key 'entries'");
    }

    @Test
    void invalidStoreNameUnderStoresIsRefusedWithTheRule() throws IOException {
        ConfigException e = refused("stores:\n  Sessions:\n    entries: 10\n");
        assertContains(e.getMessage(), "stores.Sessions", "[a-z0-9][a-z0-9._-]{0,63}");
    }

    // ---------------------------------------------------------------- bad values

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "entries          | 0          | between 1 and 1099511627776",
            "entries          | -5         | between 1 and 1099511627776",
            "entries          | 2000000000000 | between 1 and 1099511627776",
            "averageKeySize   | 0          | between 1 and 1048576",
            "averageKeySize   | 2000000    | between 1 and 1048576",
            "averageValueSize | 100000000  | between 1 and 67108864",
            "maxGrowth        | 5000       | between 1.0 and 1000.0",
            "maxGrowth        | 0.5        | between 1.0 and 1000.0",
            "maxGrowth        | 1000.5     | between 1.0 and 1000.0"})
    void outOfRangeValueIsRefusedNamingTheKeyTheValueAndTheRange(String key, String value, String range)
            throws IOException {
        ConfigException e = refused("defaults:\n  " + key + ": " + value + "\n");
        assertContains(e.getMessage(), "key defaults." + key + " = " + value + ": ", range);
        assertFalse(e.getMessage().contains(", was "), "the value is named once, as written: " + e.getMessage());
    }

    /** Past the range of an int or a long: must not wrap around into a valid value. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "averageKeySize   | 4294967297           | between 1 and 1048576",
            "averageValueSize | 4294967300           | between 1 and 67108864",
            "averageKeySize   | -4294967295          | between 1 and 1048576",
            "entries          | 18446744073709551617 | between 1 and 1099511627776"})
    void valueBeyondTheIntegerTypeIsRefusedNotWrappedAround(String key, String value, String range) throws IOException {
        ConfigException e = refused("defaults:\n  " + key + ": " + value + "\n");
        assertContains(e.getMessage(), "key defaults." + key + " = " + value + ": ", range);
        assertFalse(e.getMessage().contains(", was "), "the value is named once, as written: " + e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"entries | 1500.5", "averageKeySize | 16.25", "averageValueSize | 0.5"})
    void fractionalValueOfAWholeNumberKeyIsRefused(String key, String value) throws IOException {
        ConfigException e = refused("defaults:\n  " + key + ": " + value + "\n");
        assertContains(e.getMessage(), "key defaults." + key + " = " + value, "whole number");
    }

    @Test
    void wholeNumberWrittenAsDecimalIsAccepted() throws IOException {
        assertEquals(1000, StoreConfig.load(yaml("defaults:\n  entries: 1000.0\n")).defaults().resolvedEntries());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"entries | lots", "maxGrowth | '[1, 2]'", "averageKeySize | '{a: 1}'",
            "entries | true"})
    void nonNumberValueIsRefusedNamingTheKey(String key, String value) throws IOException {
        ConfigException e = refused("defaults:\n  " + key + ": " + value + "\n");
        assertContains(e.getMessage(), "key defaults." + key, "must be a number");
    }

    @Test
    void nonBooleanGroupAccessIsRefused() throws IOException {
        ConfigException e = refused("groupAccess: maybe\n");
        assertContains(e.getMessage(), "key groupAccess = 'maybe'", "must be true or false");
    }

    @Test
    void unknownSyncModeIsRefusedListingTheModes() throws IOException {
        ConfigException e = refused("stores:\n  sessions:\n    sync: sometimes\n");
        assertContains(e.getMessage(), "key stores.sessions.sync = 'sometimes'", "none, async or always");
    }

    @Test
    void nonBooleanJournalIsRefused() throws IOException {
        ConfigException e = refused("defaults:\n  journal: often\n");
        assertContains(e.getMessage(), "key defaults.journal = 'often'", "must be true or false");
    }

    @Test
    void valueWhereASectionBelongsIsRefused() throws IOException {
        ConfigException e = refused("defaults: 5\n");
        assertContains(e.getMessage(), "defaults must be a section of keys");
    }

    @Test
    void sectionWhereAValueBelongsIsRefused() throws IOException {
        ConfigException e = refused("dataDir:\n  path: /tmp\n");
        assertContains(e.getMessage(), "key dataDir must be a single value");
    }

    @Test
    void malformedYamlIsRefusedAsInvalidYaml() throws IOException {
        ConfigException e = refused("defaults: [unclosed\n  entries: 3\n");
        assertContains(e.getMessage(), "is not valid YAML");
    }

    @Test
    void missingFileIsRefusedSayingHowToProvideOne() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> StoreConfig.load(missing));
        assertContains(e.getMessage(), missing.toString(), "does not exist", "--config FILE");
    }

    // ---------------------------------------------------------------- metrics and store types

    @Test
    void metricsSectionGivesTheEndpointItDescribes() throws IOException {
        StoreConfig config = StoreConfig.load(yaml("metrics:\n  enabled: false\n  host: 10.1.2.3\n  port: 9100\n"
                + "  percentiles: true\n"));
        assertEquals(new StoreConfig.Metrics(false, "10.1.2.3", 9100, true), config.metrics());
        assertTrue(config.percentileHistograms());
    }

    @Test
    void withoutAMetricsSectionTheEndpointIsOnLoopbackPort9464() throws IOException {
        StoreConfig config = StoreConfig.load(yaml("dataDir: ./data\n"));
        assertEquals(new StoreConfig.Metrics(true, "127.0.0.1", 9464, false), config.metrics());
        assertFalse(config.metrics().hostExplicit(), "a defaulted host may not be widened to a non-loopback one");
        assertFalse(config.percentileHistograms());
    }

    @Test
    void misspeltMetricsKeyIsRefusedSuggestingTheRightOne() throws IOException {
        ConfigException e = refused("metrics:\n  prot: 9100\n");
        assertContains(e.getMessage(), "unknown key 'metrics.prot'", "did you mean 'metrics.port'?",
                "valid keys here: enabled, host, port, percentiles");
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "65536", "70000"})
    void outOfRangeMetricsPortIsRefusedNamingTheKeyTheValueAndTheRange(String port) throws IOException {
        ConfigException e = refused("metrics:\n  port: " + port + "\n");
        assertContains(e.getMessage(), "key metrics.port = " + port + ": must be between 1 and 65535");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"lots", "9464.5", "'[1]'"})
    void nonWholeNumberMetricsPortIsRefused(String port) throws IOException {
        ConfigException e = refused("metrics:\n  port: " + port + "\n");
        assertContains(e.getMessage(), "key metrics.port", "must be a whole number between 1 and 65535");
    }

    @Test
    void nonBooleanMetricsFlagIsRefused() throws IOException {
        ConfigException e = refused("metrics:\n  enabled: sometimes\n");
        assertContains(e.getMessage(), "key metrics.enabled = 'sometimes'", "must be true or false");
    }

    @Test
    void systemPropertiesOverrideTheMetricsAddressAndAreNamedWhenWrong() throws IOException {
        Path file = yaml("metrics:\n  port: 9100\n");
        withProperty("statestore.metrics.port", "9200", () -> assertEquals(9200, StoreConfig.load(file).metrics().port()));
        withProperty("statestore.metrics.host", "::1", () -> {
            StoreConfig.Metrics metrics = StoreConfig.load(file).metrics();
            assertEquals("::1", metrics.host());
            assertTrue(metrics.hostExplicit(), "a host set by -D is set explicitly");
        });
        withProperty("statestore.metrics.port", "99999", () -> assertContains(
                assertThrows(ConfigException.class, () -> StoreConfig.load(file)).getMessage(),
                "key metrics.port = 99999 (from -Dstatestore.metrics.port): must be between 1 and 65535"));
    }

    private static void withProperty(String key, String value, Runnable action) {
        String previous = System.setProperty(key, value);
        try {
            action.run();
        } finally {
            if (previous == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, previous);
            }
        }
    }

    @Test
    void environmentVariableNamesFollowTheKeys() {
        assertEquals("STATESTORE_METRICS_PORT", ConfigLoader.envName("metrics.port"));
        assertEquals("STATESTORE_DATA_DIR", ConfigLoader.envName("dataDir"));
    }

    @Test
    void storeTypesAreReadForServeToCreateTheStore() throws IOException {
        StoreConfig config = StoreConfig.load(yaml("stores:\n  sessions:\n    keyType: string\n    valueType: bytes\n"
                + "    entries: 10\n  counters:\n    entries: 20\n"));
        assertEquals(new StoreConfig.StoreSpec("sessions", MapOptions.builder().entries(10).build(), "string", "bytes"),
                config.storeSpecs().get("sessions"));
        assertFalse(config.storeSpecs().get("counters").typed());
        assertEquals(MapOptions.builder().entries(10).build(), config.stores().get("sessions"), "stores() is unchanged");
    }

    @Test
    void unknownStoreTypeIsRefusedListingTheTypes() throws IOException {
        ConfigException e = refused("stores:\n  sessions:\n    keyType: text\n    valueType: string\n");
        assertContains(e.getMessage(), "key stores.sessions.keyType = 'text'", "must be one of string, bytes, int64, int32");
    }

    @Test
    void keyTypeWithoutValueTypeIsRefused() throws IOException {
        ConfigException e = refused("stores:\n  sessions:\n    keyType: string\n");
        assertContains(e.getMessage(), "key stores.sessions.valueType is missing", "set both or neither");
    }

    // ---------------------------------------------------------------- journal retention, expiry, bound

    @Test
    void retentionExpiryAndBoundKeysGiveTheOptionsTheyDescribe() throws IOException {
        StoreConfig config = StoreConfig.load(yaml(String.join("\n",
                "defaults:",
                "  journalRoll: hourly",
                "  journalRetention: 7d",
                "  journalRetentionBytes: 10485760",
                "stores:",
                "  sessions:",
                "    ttl: 30m",
                "    expireAfterAccess: true",
                "  tokens:",
                "    perEntryTtl: true",
                "    maxEntries: 5000",
                "  audit:",
                "    journalRetention: PT12H",
                "")));
        MapOptions sessions = config.optionsFor("sessions", MapOptions.defaults());
        assertEquals(java.time.Duration.ofMinutes(30), sessions.resolvedTtl());
        assertTrue(sessions.resolvedExpireAfterAccess());
        assertEquals(dev.statestore.JournalRoll.HOURLY, sessions.resolvedJournalRoll());
        assertEquals(java.time.Duration.ofDays(7), sessions.resolvedJournalRetention());
        assertEquals(10485760, sessions.resolvedJournalRetentionBytes());
        MapOptions tokens = config.optionsFor("tokens", MapOptions.defaults());
        assertTrue(tokens.resolvedExpiring());
        assertEquals(null, tokens.resolvedTtl());
        assertEquals(5000, tokens.resolvedMaxEntries());
        assertEquals(java.time.Duration.ofHours(12), config.optionsFor("audit", MapOptions.defaults()).resolvedJournalRetention());
    }

    @Test
    void nearCacheIsReadPerStoreAndFromTheDefaults() throws IOException {
        StoreConfig config = StoreConfig.load(yaml(String.join("\n",
                "defaults:",
                "  nearCache: 1000",
                "stores:",
                "  sessions:",
                "    nearCache: 50000",
                "")));
        assertEquals(50_000, config.optionsFor("sessions", MapOptions.defaults()).resolvedNearCache());
        assertEquals(1000, config.optionsFor("other", MapOptions.defaults()).resolvedNearCache());
        assertEquals(7, config.optionsFor("other", MapOptions.builder().nearCache(7).build()).resolvedNearCache(),
                "the application's option wins over the file's");
        assertEquals(0, MapOptions.defaults().resolvedNearCache(), "off unless set");
        ConfigException e = refused("defaults:\n  nearCache: 0\n");
        assertContains(e.getMessage(), "key defaults.nearCache = 0: ", "between 1 and 1073741824");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"ttl | soon", "ttl | 0s", "ttl | -5m", "journalRetention | 3 weeks", "journalRetention | PT0S"})
    void badDurationIsRefusedNamingTheKeyAndTheForms(String key, String value) throws IOException {
        ConfigException e = refused("defaults:\n  " + key + ": " + value + "\n");
        assertContains(e.getMessage(), "key defaults." + key + " = '" + value + "'",
                "must be a positive duration such as 500ms, 30s, 15m, 2h, 7d or PT30S");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "maxEntries            | 0    | between 1 and 1099511627776",
            "journalRetentionBytes | 1000 | between 1048576 and 9223372036854775807",
            "journalRetentionBytes | 1KB  | between 1048576 and 9223372036854775807",
            "maxBytes              | 0    | between 1 and 1125899906842624",
            "maxBytes              | 2048TB | between 1 and 1125899906842624",
            "maxBytes              | 99999999999T | between 1 and 1125899906842624"})
    void outOfRangeBoundIsRefusedNamingTheKeyTheValueAndTheRange(String key, String value, String range) throws IOException {
        ConfigException e = refused("defaults:\n  " + key + ": " + value + "\n");
        assertContains(e.getMessage(), "key defaults." + key + " = " + value + ": ", range);
    }

    @Test
    void maxBytesAndJournalRetentionBytesTakeSizesWithUnits() throws IOException {
        StoreConfig config = StoreConfig.load(yaml(String.join("\n",
                "defaults:",
                "  journalRetentionBytes: 10GB",
                "stores:",
                "  a:",
                "    maxBytes: 64MB",
                "  b:",
                "    maxBytes: 512 KiB",
                "  c:",
                "    maxBytes: 1048576",
                "  d:",
                "    maxBytes: 2g",
                "    maxEntries: 1000",
                "")));
        assertEquals(10L << 30, config.optionsFor("a", MapOptions.defaults()).resolvedJournalRetentionBytes());
        assertEquals(64L << 20, config.optionsFor("a", MapOptions.defaults()).resolvedMaxBytes());
        assertEquals(512L << 10, config.optionsFor("b", MapOptions.defaults()).resolvedMaxBytes());
        assertEquals(1L << 20, config.optionsFor("c", MapOptions.defaults()).resolvedMaxBytes());
        MapOptions d = config.optionsFor("d", MapOptions.defaults());
        assertEquals(2L << 30, d.resolvedMaxBytes());
        assertEquals(1000, d.resolvedMaxEntries());
        assertEquals(0, config.optionsFor("other", MapOptions.defaults()).resolvedMaxBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"maxBytes | 64 megs", "maxBytes | 1.5GB", "maxBytes | -1MB",
            "journalRetentionBytes | lots"})
    void aSizeThatIsNotOneIsRefusedNamingTheKeyAndTheForms(String key, String value) throws IOException {
        ConfigException e = refused("defaults:\n  " + key + ": " + value + "\n");
        assertContains(e.getMessage(), "key defaults." + key + " = '" + value + "'",
                "must be a size in bytes: a whole number, or one with a unit such as 512KB, 64MB, 4GB or 1TB (1024-based)");
    }

    @Test
    void aMisspeltMaxBytesIsRefusedNamingIt() throws IOException {
        ConfigException e = refused("defaults:\n  maxBites: 64MB\n");
        assertContains(e.getMessage(), "unknown key 'defaults.maxBites'", "did you mean 'defaults.maxBytes'?");
    }

    @Test
    void unknownJournalRollIsRefusedListingTheChoices() throws IOException {
        ConfigException e = refused("defaults:\n  journalRoll: weekly\n");
        assertContains(e.getMessage(), "key defaults.journalRoll = 'weekly'", "must be hourly or daily");
    }

    @Test
    void nonBooleanExpiryFlagIsRefused() throws IOException {
        ConfigException e = refused("stores:\n  s:\n    expireAfterAccess: often\n");
        assertContains(e.getMessage(), "key stores.s.expireAfterAccess = 'often'", "must be true or false");
    }

    // ---------------------------------------------------------------- replication

    @Test
    void replicationSectionGivesHostPrefixKafkaPropertiesAndLocalStores() throws IOException {
        StoreConfig config = StoreConfig.load(yaml(String.join("\n",
                "replication:",
                "  hostId: host-a",
                "  topicPrefix: app1.",
                "  kafka:",
                "    bootstrap.servers: 127.0.0.1:9092",
                "    security.protocol: SSL",
                "    linger.ms: 5",
                "stores:",
                "  scratch:",
                "    replicate: false",
                "  sessions:",
                "    replicate: true",
                "")));
        StoreConfig.Replication r = config.replication();
        assertEquals("host-a", r.hostId());
        assertEquals("app1.", r.topicPrefix());
        assertEquals(Map.of("bootstrap.servers", "127.0.0.1:9092", "security.protocol", "SSL", "linger.ms", "5"), r.kafka());
        assertFalse(r.replicates("scratch"));
        assertTrue(r.replicates("sessions"));
        assertTrue(r.replicates("other"));
    }

    @Test
    void replicationDefaultsHostIdFromHostAndDataDirAndPrefixToStatestore() throws IOException {
        StoreConfig a = StoreConfig.load(yaml("replication:\n  kafka:\n    bootstrap.servers: 127.0.0.1:9092\n"),
                dir.resolve("a"));
        StoreConfig b = StoreConfig.load(yaml("replication:\n  kafka:\n    bootstrap.servers: 127.0.0.1:9092\n"),
                dir.resolve("b"));
        assertEquals("statestore.", a.replication().topicPrefix());
        assertTrue(a.replication().hostId().matches("[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{8}"), a.replication().hostId());
        assertFalse(a.replication().hostId().equals(b.replication().hostId()), "two data directories are two hosts");
    }

    @Test
    void noReplicationSectionMeansNoReplication() throws IOException {
        assertEquals(null, StoreConfig.load(yaml("groupAccess: false\n")).replication());
    }

    @Test
    void replicationMistakesAreRefusedNamingTheKeyAndTheFix() throws IOException {
        assertContains(refused("replication:\n  hostId: a\n").getMessage(), "replication.kafka is missing",
                "bootstrap.servers");
        assertContains(refused("replication:\n  kafka:\n    linger.ms: 1\n").getMessage(),
                "replication.kafka.bootstrap.servers is missing", "127.0.0.1:9092");
        assertContains(refused("replication:\n  hostid: a\n  kafka:\n    bootstrap.servers: x:1\n").getMessage(),
                "unknown key 'replication.hostid'", "did you mean 'replication.hostId'");
        assertContains(refused("replication:\n  hostId: 'a b'\n  kafka:\n    bootstrap.servers: x:1\n").getMessage(),
                "replication.hostId = 'a b'", "e.g. host-a");
        assertContains(refused("replication:\n  topicPrefix: 'a/b'\n  kafka:\n    bootstrap.servers: x:1\n").getMessage(),
                "replication.topicPrefix = 'a/b'");
        assertContains(refused("replication:\n  kafka:\n    bootstrap.servers: x:1\n    group.id: g\n").getMessage(),
                "replication.kafka.group.id is set by statestore", "remove it");
        assertContains(refused("stores:\n  s:\n    replicate: no-thanks\n").getMessage(),
                "stores.s.replicate", "true or false");
    }
}
