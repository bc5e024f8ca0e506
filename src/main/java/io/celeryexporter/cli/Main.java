package io.celeryexporter.cli;

import io.celeryexporter.logging.LogSettings;
import io.celeryexporter.poll.FatalError;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

@Command(name = "celery-queue-exporter", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Prometheus exporter for Celery queues on Redis. Without a subcommand it runs 'serve'.",
        subcommands = {ServeCommand.class, InspectCommand.class, LoadCommand.class, RehearseCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    @Option(names = "--log.level", paramLabel = "LEVEL", scope = ScopeType.INHERIT,
            description = "debug, info, warn or error. Default: info.")
    void logLevel(LogSettings.Threshold level) {
        LogSettings.level(level);
    }

    @Option(names = "--log.format", paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            description = "logfmt, or json (one JSON object per line). Default: logfmt.")
    void logFormat(LogSettings.Format format) {
        LogSettings.format(format);
    }

    public static void main(String[] args) {
        FatalError.installDefaultHandler();
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; {@code serve} is the default subcommand. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        String[] ordered = subcommandFirst(args);
        String[] effective = needsDefaultSubcommand(ordered) ? prepend("serve", ordered) : ordered;
        return commandLine().setOut(out).setErr(err).execute(effective);
    }

    /**
     * Options written before the subcommand ({@code --broker.url URL inspect}) are the subcommand's: it moves to the
     * front. A word that is an option's value ({@code --queue inspect}) is not taken for a subcommand.
     */
    static String[] subcommandFirst(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-")) {
            return args;
        }
        CommandLine root = commandLine();
        int i = 0;
        while (i < args.length) {
            String word = args[i];
            if (root.getSubcommands().containsKey(word)) {
                String[] out = new String[args.length];
                out[0] = word;
                System.arraycopy(args, 0, out, 1, i);
                System.arraycopy(args, i + 1, out, i + 1, args.length - i - 1);
                return out;
            }
            i += word.startsWith("-") && !word.contains("=") && takesAValue(root, word) ? 2 : 1;
        }
        return args;
    }

    private static boolean takesAValue(CommandLine root, String option) {
        return root.getSubcommands().values().stream()
                .map(sub -> sub.getCommandSpec().findOption(option))
                .anyMatch(spec -> spec != null && spec.arity().max() > 0);
    }

    static CommandLine commandLine() {
        ErrorReporter errors = new ErrorReporter();
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setDefaultValueProvider(new EnvironmentDefaults(System.getenv()))
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
    }

    private static boolean needsDefaultSubcommand(String[] args) {
        if (args.length == 0) {
            return true;
        }
        String first = args[0];
        boolean topLevelFlag = first.equals("-h") || first.equals("--help") || first.equals("-V")
                || first.equals("--version");
        boolean subcommand = commandLine().getSubcommands().containsKey(first);
        return !topLevelFlag && !subcommand;
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
