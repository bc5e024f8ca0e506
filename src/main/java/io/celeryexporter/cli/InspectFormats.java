package io.celeryexporter.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.workers.GroupStats;
import io.celeryexporter.workers.HeldSplit;
import io.celeryexporter.workers.WorkersView;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How {@code inspect} prints a poll: an aligned table for people, JSON for scripts. */
final class InspectFormats {

    private static final String[] HEADER = {"QUEUE", "LENGTH", "BY PRIORITY", "RESERVED", "SCHEDULED"};
    private static final String[] HELD_HEADER = {"BACKLOG", "PREFETCHED", "RUNNING", "ORPHANED", "OVERDUE",
        "ATTRIBUTION"};
    private static final String[] TASK_HEADER = {"QUEUE", "TASK", "QUEUED"};
    private static final String[] GROUP_HEADER = {"WORKER GROUP", "ONLINE", "EXECUTING", "SLOTS", "STARTED"};

    private InspectFormats() {}

    static String table(PollResult result) {
        if (result.queues().isEmpty()) {
            return "No queues found: no _kombu.binding.* sets in this database. Pass --queue NAME, or check the"
                    + " database number and --key-prefix." + System.lineSeparator();
        }
        boolean held = result.queues().get(0).held() != null;
        List<String[]> rows = new ArrayList<>();
        rows.add(held ? concat(HEADER, HELD_HEADER) : HEADER);
        for (QueueStats q : result.queues()) {
            String[] row = {q.name(), String.valueOf(q.length()), priorities(q), String.valueOf(q.reserved()),
                String.valueOf(q.scheduled())};
            HeldSplit h = q.held();
            rows.add(held ? concat(row, new String[] {String.valueOf(q.backlog()), String.valueOf(h.prefetched()),
                String.valueOf(h.running()), String.valueOf(h.orphaned()), String.valueOf(h.overdue()),
                h.tier().label()}) : row);
        }
        String out = aligned(rows, 1, 3, 4, 5, 6, 7, 8, 9);
        if (held) {
            out += System.lineSeparator() + groups(result.workers());
        }
        List<String[]> tasks = new ArrayList<>();
        tasks.add(TASK_HEADER);
        for (QueueStats q : result.queues()) {
            q.tasksByName().forEach((task, n) -> tasks.add(new String[] {q.name(), task, String.valueOf(n)}));
        }
        return tasks.size() == 1 ? out : out + System.lineSeparator() + aligned(tasks, 2);
    }

    private static String groups(WorkersView workers) {
        if (workers.groups().isEmpty()) {
            return "No worker heard from: none online, or none sends heartbeats (--without-heartbeat), or the"
                    + " exporter may not subscribe to the celeryev channels." + System.lineSeparator();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(GROUP_HEADER);
        for (GroupStats g : workers.groups()) {
            rows.add(new String[] {g.name(), String.valueOf(g.online()), String.valueOf(g.executing()),
                g.slotsKnown() ? String.valueOf(g.slots()) : "?", String.valueOf(g.started())});
        }
        return aligned(rows, 1, 2, 3, 4);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Columns padded to their widest cell; the numeric ones right-aligned. */
    private static String aligned(List<String[]> rows, int... numericColumns) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                int column = i;
                boolean numeric = Arrays.stream(numericColumns).anyMatch(c -> c == column);
                String pad = " ".repeat(widths[i] - row[i].codePointCount(0, row[i].length()));
                out.append(numeric ? pad + row[i] : row[i] + pad);
                out.append(i == row.length - 1 ? "" : "  ");
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String priorities(QueueStats q) {
        String steps = q.nonEmptyPriorities().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        return steps.isEmpty() ? "-" : steps;
    }

    static String json(String redactedBroker, PollResult result) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("broker", redactedBroker);
            g.writeNumberField("taken_at", result.takenAtEpochSeconds());
            g.writeArrayFieldStart("queues");
            for (QueueStats q : result.queues()) {
                g.writeStartObject();
                g.writeStringField("name", q.name());
                g.writeNumberField("length", q.length());
                g.writeObjectFieldStart("length_by_priority");
                for (Map.Entry<Integer, Long> e : q.lengthByPriority().entrySet()) {
                    g.writeNumberField(String.valueOf(e.getKey()), e.getValue());
                }
                g.writeEndObject();
                g.writeNumberField("reserved", q.reserved());
                g.writeNumberField("scheduled", q.scheduled());
                if (q.waiting().ageIsLowerBound()) {
                    // queued before this snapshot met them, and their messages carry no time: a 0 would read as fresh
                    g.writeNullField("oldest_task_age_seconds");
                } else {
                    g.writeNumberField("oldest_task_age_seconds", q.waiting().oldestAge());
                }
                g.writeBooleanField("age_is_lower_bound", q.waiting().ageIsLowerBound());
                if (q.held() != null) {
                    HeldSplit h = q.held();
                    g.writeNumberField("backlog", q.backlog());
                    g.writeObjectFieldStart("held");
                    g.writeNumberField("prefetched", h.prefetched());
                    g.writeNumberField("running", h.running());
                    g.writeNumberField("orphaned", h.orphaned());
                    g.writeNumberField("overdue", h.overdue());
                    g.writeNumberField("oldest_orphaned_age_seconds", h.oldestOrphanedAge());
                    g.writeStringField("attribution", h.tier().label());
                    g.writeEndObject();
                }
                if (!q.tasksByName().isEmpty()) {
                    g.writeObjectFieldStart("tasks");
                    for (Map.Entry<String, Long> e : q.tasksByName().entrySet()) {
                        g.writeNumberField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!result.workers().groups().isEmpty()) {
                g.writeArrayFieldStart("worker_groups");
                for (GroupStats w : result.workers().groups()) {
                    g.writeStartObject();
                    g.writeStringField("name", w.name());
                    g.writeNumberField("online", w.online());
                    g.writeNumberField("executing", w.executing());
                    if (w.slotsKnown()) {
                        g.writeNumberField("slots", w.slots());
                    }
                    g.writeNumberField("started", w.started());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text + System.lineSeparator();
    }
}
