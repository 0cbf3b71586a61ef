package org.ippan.l2.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Test helper: runs {@code l2-ctl} in-process with a given environment and stdin, capturing its output. */
final class CliRun {
    /** What one run did: its exit code, stdout and stderr. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private CliRun() {
    }

    static Result run(String... args) {
        return run(Map.of(), new byte[0], args);
    }

    static Result run(Map<String, String> env, byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        L2Ctl root = new L2Ctl(env, new ByteArrayInputStream(stdin), System::currentTimeMillis);
        int code = L2Ctl.run(root, args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
