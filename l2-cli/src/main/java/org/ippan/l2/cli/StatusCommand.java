package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code status}: {@code GET /status}, as a short summary or (with --json) the node's answer as it is. */
@Command(name = "status", description = "Show the node's status (GET /status).")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    L2Ctl root;

    @Override
    public Integer call() {
        JsonNode status = root.node().get("/status");
        if (root.json()) {
            root.printJson(status);
            return ExitCode.OK;
        }
        PrintWriter out = root.out();
        JsonNode leader = status.path("leader");
        out.printf("node      %s%n", root.node().baseUrl());
        out.printf("leader    id=%s mode=%s is_leader=%s term=%s state=%s%n", text(leader, "id"),
                text(leader, "mode"), text(leader, "is_leader"), text(leader, "term_id"), text(leader, "state"));
        JsonNode pool = status.path("pool");
        out.printf("pool      pending=%s capacity=%s%n", text(pool, "pending"), text(pool, "capacity"));
        JsonNode batches = status.path("batches");
        out.printf("batches   pending=%s posted=%s confirmed=%s last=%s %s%n", text(batches, "pending"),
                text(batches, "posted"), text(batches, "confirmed"), text(batches, "last_batch_number"),
                text(batches, "last_batch_hash"));
        JsonNode l1 = status.path("l1");
        out.printf("l1        height=%s finalized_height=%s last_error=%s%n", text(l1, "height"),
                text(l1, "finalized_height"), text(l1, "last_error"));
        JsonNode storage = status.path("storage");
        out.printf("storage   state=%s%n", text(storage, "state"));
        return ExitCode.OK;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "-" : value.asText();
    }
}
