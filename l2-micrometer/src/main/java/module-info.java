/**
 * Binds the sequencer's metrics to a Micrometer {@code MeterRegistry}: {@code MicrometerSequencerMetrics}, the
 * core's {@code SequencerMetrics} listener recording into counters and timers, and {@code SequencerStatusMeters}, the
 * gauges read from {@code Sequencer.status()} when the registry is read. The core itself stays free of Micrometer,
 * as Caffeine keeps its {@code StatsCounter} and binds it in a separate module.
 */
// "l2" ends in a digit, which -Xlint:module warns about; it is the project's name, so the warning is suppressed.
// micrometer.core is an automatic module (Automatic-Module-Name, no module-info); it is required transitively
// because this module's API takes a MeterRegistry, so that warning is suppressed too.
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module org.ippan.l2.micrometer {
    requires transitive org.ippan.l2.core;
    requires transitive micrometer.core;

    exports org.ippan.l2.micrometer;
}
