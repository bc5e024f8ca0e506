package io.celeryexporter.autoscaling.manifest;

import java.nio.file.Path;

/** A manifest the model cannot take: one line naming the file, the field, and why. */
public final class ManifestException extends Exception {

    public ManifestException(Path file, String field, String reason) {
        super(file + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
    }
}
