package org.ippan.l2.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The pure part of {@link RetentionSoak}: its samples and what is concluded from them (sizes at fractions of the
 * run, the slope of live pages over its second half, the growth per admitted tx).
 */
final class SoakSummary {

    /**
     * One sample of the store during a soak.
     *
     * @param elapsedMs     ms since the load started
     * @param admitted      txs acknowledged as durable so far
     * @param confirmed     txs in batches confirmed on L1 so far
     * @param batches       batches cut so far (the last batch number)
     * @param bodiesKept    batches still holding their L1 request body, -1 if not known
     * @param fileBytes     the database file plus its WAL, bytes
     * @param pageCount     {@code PRAGMA page_count}
     * @param freelistCount {@code PRAGMA freelist_count}
     * @param pageSize      {@code PRAGMA page_size}
     */
    record Sample(long elapsedMs, long admitted, long confirmed, long batches, long bodiesKept, long fileBytes,
            long pageCount, long freelistCount, long pageSize) {

        /** @return pages in use: the file's pages less the free ones */
        long livePages() {
            return pageCount - freelistCount;
        }

        /** @return bytes in use ({@link #livePages()} times the page size) */
        long liveBytes() {
            return livePages() * pageSize;
        }

        static String header() {
            return String.format(Locale.ROOT, "%8s %11s %11s %8s %7s %10s %10s %9s %10s %9s", "elapsed", "admitted",
                    "confirmed", "batches", "bodies", "file MB", "pages", "free", "live pages", "live MB");
        }

        String row() {
            return String.format(Locale.ROOT, "%7.0fs %,11d %,11d %,8d %7s %10.1f %,10d %,9d %,10d %9.1f",
                    elapsedMs / 1e3, admitted, confirmed, batches, bodiesKept < 0 ? "-" : Long.toString(bodiesKept),
                    fileBytes / 1048576.0, pageCount, freelistCount, livePages(), liveBytes() / 1048576.0);
        }
    }

    private final List<Sample> samples;

    /**
     * @param samples the samples of the load phase, in time order, at least two
     */
    SoakSummary(List<Sample> samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples.size() < 2) {
            throw new IllegalArgumentException("a summary needs at least 2 samples, got " + samples.size());
        }
        this.samples = List.copyOf(samples);
    }

    /**
     * The first sample taken at or after a fraction of the run (the last sample's time).
     *
     * @param fraction between 0 and 1
     * @return that sample
     */
    Sample at(double fraction) {
        long atMs = (long) Math.ceil(samples.get(samples.size() - 1).elapsedMs() * fraction);
        for (Sample sample : samples) {
            if (sample.elapsedMs() >= atMs) {
                return sample;
            }
        }
        return samples.get(samples.size() - 1);
    }

    /** @return the samples of the second half of the run (from {@link #at(double) at(0.5)} on) */
    List<Sample> secondHalf() {
        int from = samples.indexOf(at(0.5));
        return samples.subList(from, samples.size());
    }

    /**
     * @return the least-squares slope of live pages against time over the second half, pages per minute (0 when
     *     the second half has fewer than two samples)
     */
    double livePagesPerMinute() {
        List<Sample> half = secondHalf();
        if (half.size() < 2) {
            return 0;
        }
        double n = half.size();
        double meanT = half.stream().mapToDouble(s -> s.elapsedMs() / 60_000.0).sum() / n;
        double meanP = half.stream().mapToDouble(Sample::livePages).sum() / n;
        double covariance = 0;
        double variance = 0;
        for (Sample sample : half) {
            double t = sample.elapsedMs() / 60_000.0 - meanT;
            covariance += t * (sample.livePages() - meanP);
            variance += t * t;
        }
        return variance == 0 ? 0 : covariance / variance;
    }

    /**
     * @return live bytes added per tx admitted over the second half (its first to its last sample); NaN if no tx
     *     was admitted in it
     */
    double liveBytesPerTx() {
        List<Sample> half = secondHalf();
        Sample first = half.get(0);
        Sample last = half.get(half.size() - 1);
        long txs = last.admitted() - first.admitted();
        return txs == 0 ? Double.NaN : (double) (last.liveBytes() - first.liveBytes()) / txs;
    }

    /** @return the summary, several lines */
    String text() {
        StringBuilder text = new StringBuilder();
        text.append("size over the run:").append(System.lineSeparator());
        text.append(String.format(Locale.ROOT, "%5s  %s%n", "at", Sample.header()));
        for (double fraction : new double[] {0.25, 0.5, 0.75, 1.0}) {
            text.append(String.format(Locale.ROOT, "%4.0f%%  %s%n", fraction * 100, at(fraction).row()));
        }
        Sample last = samples.get(samples.size() - 1);
        double pageSize = last.pageSize();
        text.append(String.format(Locale.ROOT, "second half: live pages %+,.0f per minute (%+.2f MB/min); "
                + "%+.1f live bytes per admitted tx%n", livePagesPerMinute(),
                livePagesPerMinute() * pageSize / 1048576.0, liveBytesPerTx()));
        return text.toString();
    }
}
