package io.celeryexporter.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The CLI run in this JVM: its exit code and what it printed on stdout and stderr. */
record CliResult(int code, String out, String err) {

    static CliResult run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliResult(code, out.toString(), err.toString());
    }

    String all() {
        return out + err;
    }
}
