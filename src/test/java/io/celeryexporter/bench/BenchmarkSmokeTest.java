package io.celeryexporter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the benchmark harness, so that it cannot rot. It asserts that every approach was measured and the
 * report was written, never how fast anything was: timings belong in bench/RESULTS.md, not in tests.
 */
class BenchmarkSmokeTest {

    @Test
    void harnessMeasuresEveryApproachAndWritesTheReport(@TempDir Path out) throws Exception {
        BenchmarkHarness.Options options = BenchmarkHarness.Options.parse("--depths", "100,500", "--polls", "2",
                "--interval-ms", "100", "--scrapes", "20", "--fill-check", "2000", "--out", out.toString());
        Report report = BenchmarkHarness.run(options);
        report.write(out);
        Map<String, Map<Long, BenchmarkHarness.Measurement>> results = report.results();
        assertEquals(List.of("this exporter", "LLEN only", "LLEN per sub-list", "full scan"),
                List.copyOf(results.keySet()));
        results.values().forEach(byDepth -> assertEquals(List.of(100L, 500L), List.copyOf(byDepth.keySet())));
        assertTrue(report.server("full scan", 500) > 0, "the full scan costs Redis time");
        String md = Files.readString(out.resolve("RESULTS.md"));
        assertTrue(md.contains("| this exporter | 500 |"), md);
        assertTrue(Files.readString(out.resolve("redis-cost.svg")).contains("<polyline"));
    }
}
