package io.celeryexporter.cli;

import io.celeryexporter.broker.BrokerException;
import io.celeryexporter.rehearsal.PrometheusSamples;
import io.celeryexporter.rehearsal.live.WorkerFailedException;
import io.celeryexporter.broker.InvalidBrokerUrlException;
import java.net.BindException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** Turns every user error into one line on stderr and an exit code; no stack traces for things a user can fix. */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("error: " + ex.getMessage());
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        if (ex instanceof BrokerException broker) {
            cmd.getErr().println("error: " + broker.getMessage());
            if (broker.kind() == BrokerException.Kind.UNREACHABLE) {
                cmd.getErr().println(BrokerHelp.UNREACHABLE);
            }
            return ExitCodes.BROKER;
        }
        if (ex instanceof PrometheusSamples.UnreachableException unreachable) {
            cmd.getErr().println("error: " + unreachable.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        if (ex instanceof BindException) {
            // the KEDA port names its flag in its message; the web server's does not
            String message = ex.getMessage() != null && ex.getMessage().startsWith("--") ? ex.getMessage()
                    : "--web.listen-address: " + ex.getMessage();
            cmd.getErr().println("error: cannot listen on " + message);
            return ExitCodes.FAILURE;
        }
        if (ex instanceof WorkerFailedException failed) {
            cmd.getErr().println("error: " + failed.getMessage());
            return ExitCodes.FAILURE;
        }
        if (ex instanceof InvalidBrokerUrlException || ex instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        cmd.getErr().println("error: unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        return ExitCodes.FAILURE;
    }

    /** What to tell someone whose broker is not there. */
    static final class BrokerHelp {
        static final String UNREACHABLE = String.join(System.lineSeparator(),
                "hint: start a local Redis with 'redis-server --port 6379' (Debian: apt-get install redis-server),",
                "      or point the exporter at your broker with --broker.url or CELERY_BROKER_URL.");

        private BrokerHelp() {}
    }
}
