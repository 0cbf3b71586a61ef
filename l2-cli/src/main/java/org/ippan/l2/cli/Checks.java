package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The named checks of one verification, in the order they ran, with the warnings met on the way. */
final class Checks {
    /** One check: its name (e.g. {@code envelope.signature}), whether it passed, and what was compared. */
    record Check(String name, boolean ok, String detail) {
    }

    private final List<Check> checks = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    void pass(String name, String detail) {
        checks.add(new Check(name, true, detail));
    }

    void fail(String name, String detail) {
        checks.add(new Check(name, false, detail));
    }

    /** Records {@code name} as passed if {@code ok}, failed otherwise; returns {@code ok}. */
    boolean check(String name, boolean ok, String detail) {
        checks.add(new Check(name, ok, detail));
        return ok;
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    boolean allPassed() {
        return checks.stream().allMatch(Check::ok);
    }

    List<Check> failed() {
        return checks.stream().filter(c -> !c.ok()).toList();
    }

    List<Check> all() {
        return List.copyOf(checks);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** One line per check ({@code ok  name  detail} or {@code FAIL name  detail}), then the warnings. */
    void print(PrintWriter out) {
        for (Check check : checks) {
            out.printf("%-4s %-32s %s%n", check.ok() ? "ok" : "FAIL", check.name(), check.detail());
        }
        for (String warning : warnings) {
            out.println("warning: " + warning);
        }
    }

    /** Adds {@code "valid"}, {@code "checks"} and {@code "warnings"} to {@code node}. */
    ObjectNode writeTo(ObjectNode node) {
        node.put("valid", allPassed());
        ArrayNode list = node.putArray("checks");
        for (Check check : checks) {
            list.addObject().put("name", check.name()).put("ok", check.ok()).put("detail", check.detail());
        }
        ArrayNode warned = node.putArray("warnings");
        warnings.forEach(warned::add);
        return node;
    }
}
