package org.ippan.l2.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a set of requests came to: txs offered, newly accepted, answered as duplicates, refused by code; requests
 * by HTTP status; errors by kind (a request that got no usable answer: its txs may or may not be stored). Not
 * thread-safe: one per worker, then {@link #add merged}.
 */
final class Tally {
    long requests;
    long txsOffered;
    long txsAccepted;
    long txsDuplicate;
    final Map<String, Long> refusedByCode = new TreeMap<>();
    final Map<Integer, Long> requestsByStatus = new TreeMap<>();
    final Map<String, Long> errorsByKind = new TreeMap<>();

    void add(Tally other) {
        requests += other.requests;
        txsOffered += other.txsOffered;
        txsAccepted += other.txsAccepted;
        txsDuplicate += other.txsDuplicate;
        other.refusedByCode.forEach((code, n) -> refusedByCode.merge(code, n, Long::sum));
        other.requestsByStatus.forEach((status, n) -> requestsByStatus.merge(status, n, Long::sum));
        other.errorsByKind.forEach((kind, n) -> errorsByKind.merge(kind, n, Long::sum));
    }

    long txsRefused() {
        return refusedByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    long errors() {
        return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    void error(String kind) {
        errorsByKind.merge(kind, 1L, Long::sum);
    }

    /** The counts one answer adds, before they are applied (so progress counters see the same numbers). */
    record Outcome(long accepted, long duplicates, long refused) {}

    /**
     * Counts one answered request of {@code txs} txs. A {@code POST /tx} answer is one result object; a
     * {@code POST /txs} 200 answer is an array of them. A result is {@code "accepted":true} (and
     * {@code "duplicate":true} when it was stored before) or {@code "accepted":false} with a {@code "code"}. Any
     * other answer without a refusal code counts as an error.
     *
     * <p>The body is scanned for those keys rather than parsed into a tree: in valid JSON the byte sequence
     * {@code "accepted":} can only be that key (a quote inside a string is escaped), and the node writes compact
     * JSON, so scanning is exact and costs next to nothing on the generator's side.
     */
    Outcome answered(boolean batchEndpoint, int txs, int status, byte[] body, int length) {
        requests++;
        txsOffered += txs;
        requestsByStatus.merge(status, 1L, Long::sum);
        long acceptedTrue = count(body, length, ACCEPTED_TRUE);
        long acceptedFalse = count(body, length, ACCEPTED_FALSE);
        long duplicates = count(body, length, DUPLICATE_TRUE);
        boolean perTxResults = batchEndpoint ? status == 200 : (status == 200 || acceptedFalse == 1);
        if (perTxResults && acceptedTrue + acceptedFalse == (batchEndpoint && status == 200 ? txs : 1)) {
            long refused = 0;
            int at = 0;
            while ((at = indexOf(body, length, CODE, at)) >= 0) {
                at += CODE.length;
                int end = at;
                while (end < length && body[end] != '"') {
                    end++;
                }
                refusedByCode.merge(new String(body, at, end - at, StandardCharsets.US_ASCII), 1L, Long::sum);
                refused++;
                at = end;
            }
            if (refused != acceptedFalse) {
                refusedByCode.merge("UNKNOWN", acceptedFalse - refused, Long::sum);
                refused = acceptedFalse;
            }
            long accepted = acceptedTrue - duplicates;
            txsAccepted += accepted;
            txsDuplicate += duplicates;
            return new Outcome(accepted, duplicates, refused);
        }
        if (!batchEndpoint || status == 200) {
            error(status == 200 ? "unexpected_answer" : "http_" + status);
            return new Outcome(0, 0, 0);
        }
        // POST /txs refused as a whole (malformed request, body too large, follower): one refusal for every tx
        int at = indexOf(body, length, CODE, 0);
        if (at < 0) {
            error("http_" + status);
            return new Outcome(0, 0, 0);
        }
        at += CODE.length;
        int end = at;
        while (end < length && body[end] != '"') {
            end++;
        }
        refusedByCode.merge(new String(body, at, end - at, StandardCharsets.US_ASCII), (long) txs, Long::sum);
        return new Outcome(0, 0, txs);
    }

    /** Counts a request that got no answer (I/O failure, timeout). */
    void failed(int txs, String kind) {
        requests++;
        txsOffered += txs;
        error(kind);
    }

    private static final byte[] ACCEPTED_TRUE = bytes("\"accepted\":true");
    private static final byte[] ACCEPTED_FALSE = bytes("\"accepted\":false");
    private static final byte[] DUPLICATE_TRUE = bytes("\"duplicate\":true");
    private static final byte[] CODE = bytes("\"code\":\"");

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static long count(byte[] body, int length, byte[] pattern) {
        long n = 0;
        int at = 0;
        while ((at = indexOf(body, length, pattern, at)) >= 0) {
            n++;
            at += pattern.length;
        }
        return n;
    }

    static int indexOf(byte[] body, int length, byte[] pattern, int from) {
        byte first = pattern[0];
        int last = length - pattern.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (body[i] != first) {
                continue;
            }
            for (int k = 1; k < pattern.length; k++) {
                if (body[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
