package io.celeryexporter.keda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors;
import io.celeryexporter.keda.proto.Externalscaler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Our externalscaler.proto against KEDA's, field by field and rpc by rpc, from a table written out of KEDA's file
 * (src/test/resources/keda/externalscaler-2.17.tsv): a renumbered field or a renamed message would pass every other
 * test, since our client is built from our own proto, and fail against KEDA.
 */
class ExternalScalerWireTest {

    @Test
    void ourProtoIsKedasFieldByField() throws IOException {
        List<String> kedas = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/keda/externalscaler-2.17.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    kedas.add(line.strip());
                }
            }
        }
        assertEquals(kedas, ours());
    }

    /** Our proto, written out as the table is. */
    private static List<String> ours() {
        Descriptors.FileDescriptor file = Externalscaler.getDescriptor();
        List<String> out = new ArrayList<>();
        out.add("package\t" + file.getPackage());
        for (Descriptors.MethodDescriptor rpc : file.findServiceByName("ExternalScaler").getMethods()) {
            out.add(String.join("\t", "rpc", rpc.getName(), rpc.getInputType().getName(),
                    rpc.getOutputType().getName(), rpc.isServerStreaming() ? "server-streaming" : "unary"));
        }
        for (Descriptors.Descriptor message : file.getMessageTypes()) {
            for (Descriptors.FieldDescriptor field : message.getFields()) {
                out.add(String.join("\t", "field", message.getName(), field.getName(),
                        String.valueOf(field.getNumber()), type(field), field.isRepeated() ? "repeated" : "optional"));
            }
        }
        return out;
    }

    private static String type(Descriptors.FieldDescriptor field) {
        if (field.isMapField()) {
            Descriptors.Descriptor entry = field.getMessageType();
            return "map<" + type(entry.findFieldByName("key")) + "," + type(entry.findFieldByName("value")) + ">";
        }
        return field.getType() == Descriptors.FieldDescriptor.Type.MESSAGE ? field.getMessageType().getName()
                : field.getType().name().toLowerCase(Locale.ROOT);
    }
}
