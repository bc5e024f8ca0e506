package io.celeryexporter.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.QueueStats;
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
    private static final String[] TASK_HEADER = {"QUEUE", "TASK", "QUEUED"};

    private InspectFormats() {}

    static String table(PollResult result) {
        if (result.queues().isEmpty()) {
            return "No queues found: no _kombu.binding.* sets in this database. Pass --queue NAME, or check the"
                    + " database number and --key-prefix." + System.lineSeparator();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (QueueStats q : result.queues()) {
            rows.add(new String[] {q.name(), String.valueOf(q.length()), priorities(q),
                String.valueOf(q.reserved()), String.valueOf(q.scheduled())});
        }
        String out = aligned(rows, 1, 3, 4);
        List<String[]> tasks = new ArrayList<>();
        tasks.add(TASK_HEADER);
        for (QueueStats q : result.queues()) {
            q.tasksByName().forEach((task, n) -> tasks.add(new String[] {q.name(), task, String.valueOf(n)}));
        }
        return tasks.size() == 1 ? out : out + System.lineSeparator() + aligned(tasks, 2);
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
                g.writeNumberField("oldest_task_age_seconds", q.waiting().oldestAge());
                g.writeBooleanField("age_is_lower_bound", q.waiting().ageIsLowerBound());
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
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text + System.lineSeparator();
    }
}
