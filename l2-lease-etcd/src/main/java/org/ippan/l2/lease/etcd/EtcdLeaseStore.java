package org.ippan.l2.lease.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseArguments;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.etcd.EtcdGateway.Answer;
import org.ippan.l2.lease.etcd.EtcdGateway.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LeaseStore} port on etcd v3: the lease is one key, bound to an etcd lease, and etcd's lessor judges the
 * expiry on its own clock.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>The key</b> is {@link EtcdLeaseConfig#key()} ({@code /ippan-l2/lease/<name>} by default). Its value is a
 *       small JSON object, {@code {"v":1,"holder_id":…,"advertised_url":…,"token":…}}, and it is bound to the
 *       holder's etcd lease, so it disappears with that lease (expiry or revoke). The token is the etcd lease id in
 *       lowercase hex, as {@code etcdctl lease list} prints it; etcd never reuses a lease id, so a token names one
 *       acquisition.</li>
 *   <li><b>acquire</b>: grant an etcd lease of the time to live in whole seconds, rounded up (etcd raises it to
 *       its own minimum, about 2 s with default settings, and the {@link Lease} carries what etcd granted); then one
 *       transaction: <i>if the key's create revision is 0 (no key) then put the value with that lease, else read
 *       the key</i>. When refused, the new etcd lease is revoked at once, and the holder's remaining time is read
 *       (time-to-live). When the transaction's answer is lost the lease is revoked as well, which removes the key
 *       if the transaction was applied.</li>
 *   <li><b>renew</b>: a read of the key, which must still be bound to the caller's lease, then a keep-alive of
 *       that lease (etcd answers TTL 0 for a lease it no longer has, and waits for the revocation of a lease that
 *       has just expired rather than renew it). Reading first means a {@link Lease} of another lease name, passed
 *       here by mistake, is refused without its etcd lease being touched.</li>
 *   <li><b>release</b>: a transaction <i>if the key's lease is ours then delete the key</i>, then a revoke of the
 *       lease. It never touches a later acquisition: that one has another lease id.</li>
 *   <li><b>holder</b>: a read of the key and a time-to-live of its lease.</li>
 *   <li><b>Time.</b> etcd has no clock a client can read. {@link Lease#expiresAtMs()} is the local wall clock
 *       taken <em>before</em> the grant or keep-alive was sent, plus the granted time to live: never later than the
 *       true expiry, but for the clocks' rate. {@link LeaseHolder#expiresAtMs()} is the local wall clock before the
 *       time-to-live call plus the remaining time etcd reports in whole seconds, rounded down: approximate, up to
 *       about a second early. Neither is the deadline a holder obeys (see the package documentation of
 *       {@code org.ippan.l2.lease}).</li>
 *   <li><b>Requests per call</b>: acquire 2 (granted) or 4 (refused: grant, txn, revoke, time-to-live); renew 2;
 *       release 2 (1 when not held); holder 1 or 2. Each is bounded by {@link EtcdLeaseConfig#requestTimeoutMs()};
 *       failover is per request (see {@link EtcdGateway}).</li>
 *   <li><b>Threads.</b> Thread-safe and without state of its own but the endpoint to try first. The JDK
 *       {@code HttpClient} it owns runs a selector thread and a small pool; its answers are handed over to
 *       {@code CompletableFuture}'s default executor, which on hosts with 2 CPUs or fewer starts a thread per
 *       answer (harmless at a lease's few calls per second).</li>
 * </ul>
 */
public final class EtcdLeaseStore implements LeaseStore {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdLeaseStore.class);

    /** The version of the value's layout. */
    static final int VALUE_FORMAT = 1;

    private final EtcdLeaseConfig config;
    private final EtcdGateway gateway;
    private final String keyBase64;
    private final LongSupplier clockMs;

    private EtcdLeaseStore(EtcdLeaseConfig config, LongSupplier clockMs) {
        this.config = Objects.requireNonNull(config, "config");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        this.gateway = new EtcdGateway(config);
        this.keyBase64 = base64(config.key());
    }

    /**
     * Opens a client on one lease with the default key prefix and timeouts. Nothing is sent until the first call.
     *
     * @param url       {@code etcd://host:port[,host:port...]}, the node's {@code L2_LEASE_URL}
     * @param leaseName the lease's name
     * @return the store
     * @throws EtcdUrlException         if the URL is malformed
     * @throws IllegalArgumentException if the lease name is not valid
     * @throws NullPointerException     if {@code url} is null
     */
    public static EtcdLeaseStore open(String url, String leaseName) {
        Objects.requireNonNull(url, "url");
        return open(EtcdLeaseConfig.builder().url(url).leaseName(leaseName).build());
    }

    /**
     * Opens a client on one lease. Nothing is sent until the first call.
     *
     * @param config the configuration
     * @return the store
     * @throws NullPointerException if {@code config} is null
     */
    public static EtcdLeaseStore open(EtcdLeaseConfig config) {
        return new EtcdLeaseStore(config, System::currentTimeMillis);
    }

    /** @return the configuration of this store */
    public EtcdLeaseConfig config() {
        return config;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The time to live is rounded up to whole seconds; etcd may raise it to its minimum.
     *
     * @throws IllegalStateException if this store is closed
     */
    @Override
    public LeaseOutcome acquire(String holderId, String advertisedUrl, long ttlMs) {
        LeaseArguments.requireHolderId(holderId);
        LeaseArguments.requireUrl(advertisedUrl);
        LeaseArguments.requireTtl(ttlMs);
        long askedSeconds = ttlSeconds(ttlMs);
        long sentAtMs = clockMs.getAsLong();
        Answer grant = gateway.call(Call.GRANT, gateway.object().put("TTL", Long.toString(askedSeconds)));
        long leaseId = grant.int64(grant.body(), "ID");
        long grantedSeconds = grant.int64(grant.body(), "TTL");
        if (leaseId <= 0 || !grant.body().path("error").asText("").isEmpty()) {
            throw grant.unexpected("no lease id, or an error: " + grant.body().path("error").asText(""));
        }
        if (grantedSeconds < askedSeconds || grantedSeconds * 1000 > LeaseArguments.MAX_TTL_MS) {
            revokeQuietly(leaseId);
            throw grant.unexpected("granted a time to live of " + grantedSeconds + " s for " + askedSeconds
                    + " s asked");
        }
        String token = token(leaseId);
        Answer txn;
        try {
            txn = gateway.call(Call.TXN, acquireTxn(leaseId, holderId, advertisedUrl, token));
        } catch (LeaseException unclear) {
            revokeQuietly(leaseId); // removes the key too if the transaction was applied
            throw unclear;
        }
        if (txn.body().path("succeeded").asBoolean(false)) {
            long grantedMs = grantedSeconds * 1000;
            return new LeaseGranted(new Lease(holderId, advertisedUrl, token, grantedMs, sentAtMs + grantedMs));
        }
        revokeQuietly(leaseId);
        JsonNode kvs = txn.body().path("responses").path(0).path("response_range").path("kvs");
        if (!kvs.isArray() || kvs.isEmpty()) {
            throw txn.unexpected("refused, but without the key it found");
        }
        Kv kv = kv(txn, kvs.get(0));
        LeaseHolder holder = holderOf(txn, kv);
        if (holder == null) { // its lease ended after the transaction: the key goes with it
            LeaseValue value = value(txn, kv);
            holder = new LeaseHolder(value.holderId(), value.advertisedUrl(), clockMs.getAsLong());
        }
        return LeaseRefused.heldBy(holder, holderId);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A token that is not an etcd lease id in hex is refused like an expired lease.
     *
     * @throws IllegalStateException if this store is closed
     */
    @Override
    public LeaseOutcome renew(Lease lease) {
        LeaseArguments.requireLease(lease);
        long leaseId = leaseId(lease.token());
        if (leaseId <= 0) {
            return LeaseRefused.lost(lease, holder().orElse(null));
        }
        // The key first: only a lease our key is bound to is kept alive (never one of another lease name).
        Answer range = gateway.call(Call.RANGE, gateway.object().put("key", keyBase64));
        Kv kv = firstKv(range);
        if (kv == null || kv.leaseId() != leaseId) {
            return LeaseRefused.lost(lease, kv == null ? null : holderOf(range, kv));
        }
        long sentAtMs = clockMs.getAsLong();
        Answer keepAlive = gateway.call(Call.KEEP_ALIVE, gateway.object().put("ID", Long.toString(leaseId)));
        JsonNode result = keepAlive.body().path("result");
        if (!result.isObject()) { // a streamed call reports its failure as {"error": {...}} with status 200
            throw keepAlive.unexpected(keepAlive.body().has("error")
                    ? "error " + keepAlive.body().path("error") : "no result");
        }
        long ttlSeconds = keepAlive.int64(result, "TTL");
        if (ttlSeconds <= 0) { // expired since the read: etcd deletes the key with it
            return LeaseRefused.lost(lease, holder().orElse(null));
        }
        if (ttlSeconds * 1000 > LeaseArguments.MAX_TTL_MS) {
            throw keepAlive.unexpected("a time to live of " + ttlSeconds + " s");
        }
        long ttlMs = ttlSeconds * 1000;
        return new LeaseGranted(new Lease(lease.holderId(), lease.advertisedUrl(), lease.token(), ttlMs,
                sentAtMs + ttlMs));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The key is deleted only if it is still bound to this lease; the etcd lease is then revoked (if that revoke
     * fails the lease, bound to nothing, runs out by itself).
     *
     * @throws IllegalStateException if this store is closed
     */
    @Override
    public boolean release(Lease lease) {
        LeaseArguments.requireLease(lease);
        long leaseId = leaseId(lease.token());
        if (leaseId <= 0) {
            return false;
        }
        ObjectNode request = gateway.object();
        request.putArray("compare").addObject()
                .put("key", keyBase64)
                .put("target", "LEASE")
                .put("result", "EQUAL")
                .put("lease", Long.toString(leaseId));
        request.putArray("success").addObject().putObject("request_delete_range").put("key", keyBase64);
        Answer txn = gateway.call(Call.TXN, request);
        boolean released = txn.body().path("succeeded").asBoolean(false);
        if (released) {
            revokeQuietly(leaseId);
        }
        return released;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The holder's {@link LeaseHolder#expiresAtMs()} is approximate: the local wall clock plus the remaining
     * time in whole seconds, rounded down.
     *
     * @throws IllegalStateException if this store is closed
     */
    @Override
    public Optional<LeaseHolder> holder() {
        Answer range = gateway.call(Call.RANGE, gateway.object().put("key", keyBase64));
        Kv kv = firstKv(range);
        return kv == null ? Optional.empty() : Optional.ofNullable(holderOf(range, kv));
    }

    /** Aborts the calls in flight and refuses later ones ({@link IllegalStateException}); a live lease is kept. */
    @Override
    public void close() {
        gateway.close();
    }

    /** @return a one-line description */
    @Override
    public String toString() {
        return "EtcdLeaseStore[endpoints=" + config.endpoints() + ", key=" + config.key() + "]";
    }

    // ---- the etcd side -----------------------------------------------------------------------------------------

    /** The time to live etcd is asked for: whole seconds, rounded up, so never shorter than asked. */
    static long ttlSeconds(long ttlMs) {
        return Math.max(1, (ttlMs + 999) / 1000);
    }

    static String token(long leaseId) {
        return Long.toHexString(leaseId);
    }

    /** @return the etcd lease id a token names, or -1 if it is not a token of this adapter */
    static long leaseId(String token) {
        if (token.isEmpty() || token.length() > 16) {
            return -1;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return -1;
            }
        }
        long id = Long.parseUnsignedLong(token, 16);
        return id > 0 ? id : -1;
    }

    private ObjectNode acquireTxn(long leaseId, String holderId, String advertisedUrl, String token) {
        ObjectNode value = gateway.object()
                .put("v", VALUE_FORMAT)
                .put("holder_id", holderId)
                .put("advertised_url", advertisedUrl)
                .put("token", token);
        String valueBase64;
        try {
            valueBase64 = Base64.getEncoder().encodeToString(gateway.json().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the lease's value", e);
        }
        ObjectNode request = gateway.object();
        request.putArray("compare").addObject()
                .put("key", keyBase64)
                .put("target", "CREATE")
                .put("result", "EQUAL")
                .put("create_revision", "0");
        request.putArray("success").addObject().putObject("request_put")
                .put("key", keyBase64)
                .put("value", valueBase64)
                .put("lease", Long.toString(leaseId));
        ArrayNode failure = request.putArray("failure");
        failure.addObject().putObject("request_range").put("key", keyBase64);
        return request;
    }

    /** @return the live holder the key names, or null if its lease has ended */
    private LeaseHolder holderOf(Answer source, Kv kv) {
        LeaseValue value = value(source, kv);
        if (kv.leaseId() <= 0) {
            throw source.unexpected("the key " + config.key() + " is not bound to an etcd lease: something other"
                    + " than this adapter wrote it");
        }
        long sentAtMs = clockMs.getAsLong();
        Answer ttl = gateway.call(Call.TIME_TO_LIVE, gateway.object().put("ID", Long.toString(kv.leaseId())));
        long remainingSeconds = ttl.int64(ttl.body(), "TTL");
        if (remainingSeconds < 0) {
            return null; // -1: etcd no longer has the lease
        }
        return new LeaseHolder(value.holderId(), value.advertisedUrl(), sentAtMs + remainingSeconds * 1000);
    }

    private void revokeQuietly(long leaseId) {
        try {
            gateway.callOrNotFound(Call.REVOKE, gateway.object().put("ID", Long.toString(leaseId)));
        } catch (LeaseException e) {
            // The lease is bound to no key of ours (or its key is gone): it runs out by itself.
            LOG.debug("revoking etcd lease {} failed; it expires by itself: {}", token(leaseId), e.getMessage());
        }
    }

    // ---- answers -----------------------------------------------------------------------------------------------

    /** One key as a range answer holds it. */
    record Kv(byte[] value, long leaseId) {
    }

    /** The lease's value as this adapter writes it. */
    record LeaseValue(String holderId, String advertisedUrl) {
    }

    private static Kv firstKv(Answer range) {
        JsonNode kvs = range.body().path("kvs");
        if (kvs.isMissingNode() || kvs.isNull() || (kvs.isArray() && kvs.isEmpty())) {
            return null;
        }
        if (!kvs.isArray()) {
            throw range.unexpected("kvs is not an array");
        }
        return kv(range, kvs.get(0));
    }

    private static Kv kv(Answer source, JsonNode kv) {
        if (!kv.isObject()) {
            throw source.unexpected("a key-value is not an object");
        }
        byte[] value;
        try {
            value = Base64.getDecoder().decode(kv.path("value").asText(""));
        } catch (IllegalArgumentException e) {
            throw source.unexpected("value is not base64");
        }
        return new Kv(value, source.int64(kv, "lease"));
    }

    private LeaseValue value(Answer source, Kv kv) {
        JsonNode value;
        try {
            value = gateway.json().readTree(kv.value());
        } catch (IOException e) {
            value = null;
        }
        if (value == null || !value.isObject() || value.path("v").asInt(-1) != VALUE_FORMAT
                || !value.path("holder_id").isTextual() || !value.path("advertised_url").isTextual()) {
            throw source.unexpected("the key " + config.key() + " does not hold a lease value of this adapter ("
                    + kv.value().length + " bytes)");
        }
        String holderId = value.path("holder_id").textValue();
        String advertisedUrl = value.path("advertised_url").textValue();
        try {
            LeaseArguments.requireHolderId(holderId);
            LeaseArguments.requireUrl(advertisedUrl);
        } catch (IllegalArgumentException e) {
            throw source.unexpected("the key " + config.key() + " holds an invalid lease value: " + e.getMessage());
        }
        return new LeaseValue(holderId, advertisedUrl);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
