package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The admin commands: each one call of the node's {@code /admin/…} API with the bearer token, printing a short
 * line (or, with --json, the node's answer as it is). The node answers once the change is in effect.
 */
final class AdminCommands {
    /** The fields of {@code GET/PUT /admin/limits}, in the order they are sent. */
    static final String[] LIMIT_FIELDS = {"max_batch_txs", "max_batch_bytes", "max_wait_ms", "admission_cap"};

    private AdminCommands() {
    }

    /** Prints {@code answer} as JSON with --json, else {@code line}. */
    private static Integer report(L2Ctl root, JsonNode answer, String line) {
        if (root.json()) {
            root.printJson(answer);
        } else {
            root.out().println(line);
        }
        return ExitCode.OK;
    }

    @Command(name = "pause", description = "Pause posting to the L1 (POST /admin/pause); batches stay committed.")
    static final class Pause implements Callable<Integer> {
        @ParentCommand
        L2Ctl root;

        @Override
        public Integer call() {
            return report(root, root.adminNode().call("POST", "/admin/pause", null), "paused");
        }
    }

    @Command(name = "resume", description = "Resume posting (POST /admin/resume).")
    static final class Resume implements Callable<Integer> {
        @ParentCommand
        L2Ctl root;

        @Override
        public Integer call() {
            return report(root, root.adminNode().call("POST", "/admin/resume", null), "resumed");
        }
    }

    @Command(name = "flush", description = "Cut a batch now from the pending txs (POST /admin/flush).")
    static final class Flush implements Callable<Integer> {
        @ParentCommand
        L2Ctl root;

        @Override
        public Integer call() {
            JsonNode answer = root.adminNode().call("POST", "/admin/flush", null);
            JsonNode cut = answer.get("cut");
            if (cut == null || !cut.isBoolean()) {
                throw CliException.unavailable("POST /admin/flush answered without a boolean \"cut\": " + answer);
            }
            return report(root, answer, cut.asBoolean()
                    ? "flushed: cut batch " + answer.path("batch_number").asText("?")
                    : "flushed: nothing pending, no batch cut");
        }
    }

    @Command(name = "step-down", description = "Step down as leader (POST /admin/step-down), optionally handing "
            + "over to a named node.")
    static final class StepDown implements Callable<Integer> {
        @ParentCommand
        L2Ctl root;

        @Option(names = "--to", paramLabel = "ID", description = "The leader id to hand over to.")
        String to;

        @Override
        public Integer call() {
            String body = null;
            if (to != null) {
                if (to.isBlank()) {
                    throw CliException.usage("--to needs a leader id");
                }
                body = L2Ctl.JSON.createObjectNode().put("to", to).toString();
            }
            JsonNode answer = root.adminNode().call("POST", "/admin/step-down", body);
            return report(root, answer, to == null ? "stepped down" : "stepped down, handing over to " + to);
        }
    }

    @Command(name = "limits", description = "Show the cut limits and admission cap (GET /admin/limits).")
    static final class Limits implements Callable<Integer> {
        @ParentCommand
        L2Ctl root;

        @Override
        public Integer call() {
            JsonNode limits = root.adminNode().get("/admin/limits");
            return report(root, limits, describe(limits));
        }
    }

    @Command(name = "set-limits", description = "Change cut limits and admission cap at run time: reads "
            + "GET /admin/limits, merges the given values, sends the whole with PUT /admin/limits.")
    static final class SetLimits implements Callable<Integer> {
        @ParentCommand
        L2Ctl root;

        @Option(names = "--max-batch-txs", paramLabel = "N", description = "Most txs in one batch.")
        Long maxBatchTxs;

        @Option(names = "--max-batch-bytes", paramLabel = "N", description = "Most encoded bytes in one batch.")
        Long maxBatchBytes;

        @Option(names = "--max-wait-ms", paramLabel = "N", description = "Longest a pending tx waits for a cut.")
        Long maxWaitMs;

        @Option(names = "--admission-cap", paramLabel = "N", description = "Most pending txs admitted.")
        Long admissionCap;

        @Override
        public Integer call() {
            Map<String, Long> changes = new LinkedHashMap<>();
            put(changes, "max_batch_txs", maxBatchTxs);
            put(changes, "max_batch_bytes", maxBatchBytes);
            put(changes, "max_wait_ms", maxWaitMs);
            put(changes, "admission_cap", admissionCap);
            if (changes.isEmpty()) {
                throw CliException.usage("set-limits needs at least one of --max-batch-txs, --max-batch-bytes, "
                        + "--max-wait-ms, --admission-cap");
            }
            NodeClient node = root.adminNode();
            JsonNode current = node.get("/admin/limits");
            ObjectNode merged = L2Ctl.JSON.createObjectNode();
            for (String field : LIMIT_FIELDS) {
                if (changes.containsKey(field)) {
                    merged.put(field, changes.get(field));
                } else {
                    JsonNode value = current.get(field);
                    if (value == null || !value.canConvertToLong()) {
                        throw CliException.unavailable("GET /admin/limits answered without an integer \"" + field
                                + "\": " + current);
                    }
                    merged.put(field, value.asLong());
                }
            }
            String body;
            try {
                body = L2Ctl.JSON.writeValueAsString(merged);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            JsonNode answer = node.call("PUT", "/admin/limits", body);
            return report(root, answer.isEmpty() ? merged : answer,
                    "limits set: " + describe(answer.isEmpty() ? merged : answer));
        }

        private static void put(Map<String, Long> changes, String field, Long value) {
            if (value == null) {
                return;
            }
            if (value < 0) {
                throw CliException.usage("--" + field.replace('_', '-') + " must be >= 0, was " + value);
            }
            changes.put(field, value);
        }
    }

    /** {@code max_batch_txs=… max_batch_bytes=… …} of a limits answer. */
    static String describe(JsonNode limits) {
        StringBuilder out = new StringBuilder();
        for (String field : LIMIT_FIELDS) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(field).append('=').append(limits.path(field).asText("-"));
        }
        return out.toString();
    }
}
