package io.celeryexporter.rehearsal.live;

import java.util.List;

/**
 * The task a live rehearsal publishes: a registered task name and its positional arguments. The rehearsal's own
 * model workers never run it; real workers ({@code --worker-command}) do.
 */
public record TaskTemplate(String name, List<Object> args) {

    /** What the rehearsal publishes when no worker runs its tasks. */
    public static final TaskTemplate MODELLED = new TaskTemplate("rehearsal.task", List.of());

    public TaskTemplate {
        args = List.copyOf(args);
    }
}
