package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.core.wire.WireFormatException;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.WriteOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's forced-inclusion watcher (the seed's bridge-watcher seam made real): a {@link LeaderTask} that reads
 * the chain's L1 forced-inclusion inbox from the position kept in storage and admits its txs ahead of the
 * admission cap, so every inbox tx gets into a batch within the L1's window.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>The position is in storage</b> ({@link #CURSOR}, term-conditional {@link Storage#saveCursor}): on each
 *       leader start it is read again, so a new leader resumes where the last one saved, neither re-reading what
 *       was saved nor losing what was not.</li>
 *   <li><b>Admit, then move.</b> A page's txs go through {@link Admission#submitForced} (the rules, the same group
 *       commit, no cap, answered through a future polled like the L1 read): once answered they are durable and
 *       pending, and only then is the cursor saved past them. A
 *       crash in between re-admits them at the next leader start: duplicates, answered with their first sequence
 *       number, harmless. A group refused {@code NOT_LEADER} or {@code UNAVAILABLE} (nothing stored for sure) does not
 *       move the cursor; the page is read again at the next poll.</li>
 *   <li><b>Never blocks on L1.</b> A read is started at most every {@code forcePollMs} and only when none is in
 *       flight; its future is polled with {@code isDone()} at later steps (at once when it is already done).</li>
 *   <li><b>A tx the rules refuse</b> (undecodable, another chain, too big: the inbox's own checks should make this
 *       impossible) is logged with its hash, counted ({@link SequencerMetrics#recordForcedTxs}) and skipped.</li>
 *   <li>A failed read or write throws from the step: the engine's error path reports it, and the next poll
 *       retries. A {@code Fenced} cursor write fences the node.</li>
 * </ul>
 * Stepped by {@link LeaderTasks} only, one thread at a time.
 */
final class ForcedInclusionWatcher implements LeaderTask {
    static final String NAME = "forced-inclusion";
    /** The storage cursor: the index of the next inbox entry to admit. */
    static final String CURSOR = "forced-inbox";
    /** The most inbox entries read (and admitted as one submission) at once. */
    static final int PAGE_SIZE = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ForcedInclusionWatcher.class);

    private final L1Poster l1;
    private final Storage storage;
    private final LeaderGate leadership;
    private final Admission admission;
    private final SequencerMetrics metrics;
    private final long pollNs;
    private final SubmitResults results = new SubmitResults();

    private long term = -1;
    /** The next index to admit; -1 until read from storage in this leadership. */
    private long cursor = -1;
    private CompletableFuture<ForcedInboxPage> inFlight;
    private long inFlightFrom;
    /** The page whose txs are being admitted, and the admission's answer; null when none. */
    private ForcedInboxPage admitting;
    private CompletableFuture<?> admitted;
    private int skippedUndecodable;
    private boolean pollNow;
    private long nextPollNs;
    private volatile long lastL1Height = -1;

    ForcedInclusionWatcher(L1Poster l1, Storage storage, LeaderGate leadership, Admission admission,
            SequencerMetrics metrics, long pollMs) {
        this.l1 = l1;
        this.storage = storage;
        this.leadership = leadership;
        this.admission = admission;
        this.metrics = metrics;
        this.pollNs = Math.multiplyExact(pollMs, 1_000_000L);
    }

    /**
     * The host's leader tasks, with a watcher added when the configuration asks for forced inclusion, this node
     * may lead and the L1 has an inbox.
     */
    static List<LeaderTask> withWatcher(List<LeaderTask> hostTasks, SequencerConfig config, L1Poster l1,
            Storage storage, LeaderGate leadership, Admission admission, SequencerMetrics metrics) {
        if (!config.forcedInclusion() || config.role() != Role.LEADER || !l1.supportsForcedInbox()) {
            return hostTasks;
        }
        List<LeaderTask> tasks = new ArrayList<>(hostTasks);
        tasks.add(new ForcedInclusionWatcher(l1, storage, leadership, admission, metrics, config.forcePollMs()));
        return tasks;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void onLeaderStart(long leaderTerm) {
        term = leaderTerm;
        forget();
        pollNow = true;
    }

    @Override
    public void onLeaderStop(String reason) {
        term = -1;
        forget(); // answers still to come are never read: the next leadership reads storage again
    }

    private void forget() {
        cursor = -1;
        inFlight = null;
        admitting = null;
        admitted = null;
    }

    @Override
    public int doWork(long nowNs) {
        if (term < 0) {
            return 0;
        }
        if (cursor < 0) {
            cursor = storage.readCursor(CURSOR); // a failure throws: reported, retried at the next step
        }
        int work = 0;
        if (inFlight == null && admitting == null && (pollNow || nowNs - nextPollNs >= 0)) {
            pollNow = false;
            nextPollNs = nowNs + pollNs;
            inFlightFrom = cursor;
            inFlight = l1.readForcedInbox(cursor, PAGE_SIZE);
            work++;
        }
        if (inFlight != null && inFlight.isDone()) {
            CompletableFuture<ForcedInboxPage> done = inFlight;
            inFlight = null;
            work += admit(answer(done));
        }
        if (admitting != null && admitted.isDone()) {
            work += finishAdmission();
        }
        return work;
    }

    private static ForcedInboxPage answer(CompletableFuture<ForcedInboxPage> done) {
        try {
            return done.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("reading the L1 forced-inclusion inbox failed: " + cause, cause);
        }
    }

    /** Starts admitting a page's txs (finished by {@link #finishAdmission}). @return the entries taken */
    private int admit(ForcedInboxPage page) {
        lastL1Height = page.l1Height();
        List<ForcedInboxEntry> entries = page.entries();
        if (entries.isEmpty()) {
            return 0;
        }
        if (entries.get(0).index() != inFlightFrom) {
            throw new IllegalStateException("the L1 inbox answered from index " + entries.get(0).index()
                    + " when asked from " + inFlightFrom + "; the cursor stays");
        }
        List<Tx> txs = new ArrayList<>(entries.size());
        skippedUndecodable = 0;
        for (ForcedInboxEntry entry : entries) {
            try {
                txs.add(Tx.decode(entry.canonicalTx()));
            } catch (WireFormatException e) {
                skippedUndecodable++;
                LOG.warn("forced-inclusion inbox entry {} (tx {}) is not a v1 tx and is skipped: {}", entry.index(),
                        entry.txHashHex(), e.getMessage());
            }
        }
        admitting = page;
        admitted = admission.submitForced(txs, results);
        return entries.size();
    }

    /** Once the page's txs are answered: counts them, then saves the cursor past the page. @return 1 */
    private int finishAdmission() {
        ForcedInboxPage page = admitting;
        admitting = null;
        admitted = null;
        int admittedCount = 0;
        int skipped = skippedUndecodable;
        for (int i = 0; i < results.size(); i++) {
            if (results.isAccepted(i)) {
                admittedCount++;
                continue;
            }
            Refusal refusal = results.refusal(i);
            if (refusal.code() == RefusalCode.NOT_LEADER || refusal.code() == RefusalCode.UNAVAILABLE) {
                metrics.recordForcedTxs(admittedCount, skipped);
                throw new IllegalStateException("forced txs from inbox index " + inFlightFrom
                        + " were not admitted (" + refusal.code() + ": " + refusal.message()
                        + "); the cursor stays and the page is read again");
            }
            skipped++;
            LOG.warn("forced-inclusion inbox tx {} is refused by the admission rules and skipped: {} {}",
                    results.tx(i).hash().toHex(), refusal.code(), refusal.message());
        }
        metrics.recordForcedTxs(admittedCount, skipped);
        long next = page.nextIndex(inFlightFrom);
        WriteOutcome outcome = storage.saveCursor(term, CURSOR, next);
        if (outcome instanceof Fenced fenced) {
            leadership.fenced(fenced.storedTerm(), NAME);
            return 1;
        }
        cursor = next;
        if (page.entries().size() == PAGE_SIZE) {
            pollNow = true; // more may wait: read on at the next step
        }
        return 1;
    }

    /** @return the L1 height of the last inbox page read, -1 before any */
    long lastL1Height() {
        return lastL1Height;
    }
}
