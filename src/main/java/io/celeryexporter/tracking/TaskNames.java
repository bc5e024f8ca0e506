package io.celeryexporter.tracking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small ids for task names, capped so that a producer bug (say, a uuid in the task name) cannot explode Prometheus:
 * past the cap every new name counts as {@value #OTHER}. Messages whose name cannot be read count as
 * {@value #UNKNOWN}.
 */
public final class TaskNames {

    public static final String OTHER = "other";
    public static final String UNKNOWN = "unknown";

    private final int maxNames;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    public TaskNames(int maxNames) {
        this.maxNames = maxNames;
        idOf(UNKNOWN);
        idOf(OTHER);
    }

    public int idOf(String name) {
        String key = name == null ? UNKNOWN : name;
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        if (names.size() >= maxNames + 2) {
            return ids.get(OTHER);
        }
        ids.put(key, names.size());
        names.add(key);
        return names.size() - 1;
    }

    public String nameOf(int id) {
        return names.get(id);
    }

    public int size() {
        return names.size();
    }
}
