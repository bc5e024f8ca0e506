package io.celeryexporter.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag can also be set from the environment, as containers usually are configured:
 * {@code --web.listen-address} from {@code CELERY_EXPORTER_WEB_LISTEN_ADDRESS}, {@code --no-collector.jvm} from
 * {@code CELERY_EXPORTER_NO_COLLECTOR_JVM=true}. A flag on the command line wins; {@code CELERY_BROKER_URL} keeps
 * working for the broker URL.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "CELERY_EXPORTER_";

    private final Map<String, String> environment;

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The variable for a flag: the prefix, then the name in capitals with dots and dashes as underscores. */
    static String variable(String flag) {
        return PREFIX + flag.replaceFirst("^-+", "").replaceAll("[.-]", "_").toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        for (String name : option.names()) {
            String value = environment.get(variable(name));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
