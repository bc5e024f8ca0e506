package io.celeryexporter.cli;

import static io.celeryexporter.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RehearseCommandTest {

    @TempDir
    Path dir;



    @Test
    void replayWritesOneRowPerSyncWithTheCountBeforeAndAfter() throws Exception {
        Path csv = dir.resolve("m.csv");
        Files.writeString(csv, "time_s,metric,value\n0,celery_queue_length,0\n30,celery_queue_length,200\n"
                + "120,celery_queue_length,0\n");
        CliResult r = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--replay", csv.toString(),
                "--duration", "150s", "-o", "csv");
        assertEquals(0, r.code(), r.err());
        // 200 tasks / 10 per replica = 20, reached 4 pods per sync; the 90 s scale-down window holds 20 after t=120
        assertEquals(String.join("\n", "time_s,current_replicas,desired_replicas", "0,1,1", "15,1,1", "30,1,5",
                "45,5,9", "60,9,13", "75,13,17", "90,17,20", "105,20,20", "120,20,20", "135,20,20", "150,20,20"),
                r.out().strip());
    }

    @Test
    void legacyPathDoublesAtMostAndWaitsFiveMinutesToScaleDown() throws Exception {
        Path hpa = dir.resolve("legacy.yaml");
        Files.writeString(hpa, String.join("\n", "apiVersion: autoscaling/v2", "kind: HorizontalPodAutoscaler",
                "metadata: {name: legacy}", "spec:", "  minReplicas: 1", "  maxReplicas: 50", "  metrics:",
                "  - type: External", "    external:", "      metric: {name: q}",
                "      target: {type: AverageValue, averageValue: \"1\"}", ""));
        Path csv = dir.resolve("m.csv");
        Files.writeString(csv, "time_s,metric,value\n0,q,40\n60,q,0\n");
        CliResult r = run("rehearse", "--autoscaler", hpa.toString(), "--replay", csv.toString(), "--duration", "390s",
                "-o", "csv");
        assertEquals(0, r.code(), r.err());
        String[] rows = r.out().strip().split("\n");
        assertEquals("0,1,4", rows[1], "max(2 x 1, 4)");
        assertEquals("15,4,8", rows[2]);
        assertEquals("30,8,16", rows[3]);
        assertEquals("45,16,32", rows[4]);
        assertEquals("60,32,40", rows[5],
                "the metric fell to 0, but the window's highest recommendation, 40, is now within the doubling limit");
        assertEquals("345,40,40", rows[24], "t=45 + 300 s: the last recommendation of 40 is still inside the window");
        assertEquals("360,40,1", rows[25], "the window has passed: straight down to minReplicas");
    }

    @Test
    void simulationPrintsTheSummaryKeysAndDrawsTheChart() throws Exception {
        Path svg = dir.resolve("chart.svg");
        CliResult r = run("rehearse", "--autoscaler", "keda/queue-length.yaml", "--traffic", "guide", "-o", "json",
                "--chart", svg.toString());
        assertEquals(0, r.code(), r.err());
        for (String key : new String[] {"arrived", "completed", "max_queue_length", "max_oldest_age_seconds",
            "p95_oldest_age_seconds", "p95_wait_seconds", "max_replicas", "replica_hours", "ideal_replica_hours",
            "scale_events", "scale_reversals", "time_to_scale_seconds", "cost_per_task", "max_wake_seconds",
            "tasks_lost", "tasks_redelivered", "tasks_run_twice", "tasks_stranded", "max_redelivery_delay_seconds",
            "idle_slot_share_while_backlog"}) {
            assertTrue(r.out().contains("\"" + key + "\": "), key + " in " + r.out());
        }
        String chart = Files.readString(svg);
        assertTrue(chart.startsWith("<svg") && chart.contains(">backlog<") && chart.contains("replicas"), chart);
        assertEquals(6, chart.split("<polyline").length - 1,
                "Celery's workers prefetch: queue, backlog, orphaned, age, desired and ready");

        CliResult ideal = run("rehearse", "--autoscaler", "keda/queue-length.yaml", "--traffic", "guide", "-o", "json",
                "--worker-model", "ideal", "--chart", svg.toString());
        assertEquals(0, ideal.code(), ideal.err());
        String idealChart = Files.readString(svg);
        assertTrue(idealChart.contains("queue length") && !idealChart.contains(">backlog<"), idealChart);
        assertEquals(4, idealChart.split("<polyline").length - 1, "the ideal pods hold nothing: queue, age, replicas");
    }

    @Test
    void sweepMarksTheCheapestTargetWithinTheSlo() {
        CliResult r = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic", "guide", "--sweep",
                "celery_queue_length=10,40", "--slo-oldest-age", "60s");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().split("recommended", -1).length - 1, r.out());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, String.join("\n", "apiVersion: autoscaling/v2", "kind: HorizontalPodAutoscaler",
                "metadata: {name: x}", "spec:", "  maxReplicas: 3", "  metrics:", "  - type: External",
                "    external:", "      metric: {name: celery_queue_length}",
                "      target: {type: AverageValue, averageValu: \"10\"}", ""));
        Path csv = dir.resolve("m.csv");
        Files.writeString(csv, "time_s,metric,value\n0,celery_queue_length,1\n");
        String[][] cases = {
            {"rehearse", "--autoscaler", typo.toString(), "--traffic", "guide"},
            {"rehearse", "--autoscaler", "deploy/service.yaml", "--traffic", "guide"},
            {"rehearse", "--autoscaler", "hpa/wait-time.yaml", "--replay", csv.toString()},
            {"rehearse", "--autoscaler", "hpa/http-rate.yaml", "--traffic", "guide"},
            {"rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic", "sawtooth"},
        };
        String[] expected = {
            "spec.metrics[0].external.target.averageValu: unknown field",
            "kind: 'Service' is not an autoscaler",
            "the replay has no value for metric 'celery_queue_oldest_task_age_seconds'",
            "metric 'http_requests_per_second' reads 'http_requests_per_second', which the simulation does not",
            "unknown traffic profile 'sawtooth'",
        };
        for (int i = 0; i < cases.length; i++) {
            CliResult r = run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(expected[i]), r.err());
        }
    }

    @Test
    void theSteadyLoadShapesAndKubernetesCpuQuantities() throws Exception {
        CliResult sine = run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "sine", "--rate-low", "10",
                "--rate", "50", "--period", "10m", "--duration", "30m", "--measure-from", "5m",
                "--cpu-per-busy-slot", "10m", "--cpu-request", "0.5", "-o", "json");
        assertEquals(0, sine.code(), sine.err());
        assertTrue(sine.out().contains("\"scale_reversals\": 5,"), "as SteadyLoadRehearsalTest: " + sine.out());
        Path rates = dir.resolve("rates.csv");
        Files.writeString(rates, "time_s,rate\n0,10\n300,40\n600,0\n");
        CliResult file = run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic-file", rates.toString(), "-o",
                "json");
        assertEquals(0, file.code(), file.err());
        long arrived = Long.parseLong(file.out().replaceAll("(?s).*\"arrived\": (\\d+).*", "$1"));
        assertTrue(Math.abs(arrived - (300 * 10 + 300 * 40)) < 0.03 * 15_000, "about 15,000 arrivals: " + arrived);
    }

    /** Bad worker input: one line naming the flag, exit 2, no stack trace. */
    @Test
    void badWorkerInputIsOneLine() throws Exception {
        Path malformed = dir.resolve("durations.txt");
        Files.writeString(malformed, "1.5\nfast\n2.0\n");
        CliResult[] bad = {
            run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "guide", "--task-seconds-from",
                    malformed.toString()),
            run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "guide", "--prefetch-multiplier", "0"),
            run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "guide", "--worker-model", "perfect"),
            run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "guide", "--task", "sleeper.sleep"),
        };
        String[] expected = {"--task-seconds-from " + malformed, "--prefetch-multiplier must be at least 1",
            "--worker-model must be celery or ideal, not 'perfect'", "--task goes with --worker-command"};
        for (int i = 0; i < bad.length; i++) {
            assertEquals(ExitCodes.USAGE, bad[i].code(), i + ": " + bad[i].all());
            assertTrue(bad[i].err().startsWith("error: " + expected[i]), bad[i].err());
            assertEquals(1, bad[i].err().lines().count(), bad[i].err());
        }
    }

    /** The task times shape the rehearsal; their mean sets the ideal replica-hours. */
    @Test
    void taskTimesFromADistributionOrARecording() throws Exception {
        Path recorded = dir.resolve("durations.csv");
        Files.writeString(recorded, "seconds\n1.0\n3.0\n");
        CliResult r = run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "constant", "--rate", "10",
                "--duration", "10m", "--task-seconds-from", recorded.toString(), "-o", "json");
        assertEquals(0, r.code(), r.all());
        double arrived = Double.parseDouble(r.out().replaceAll("(?s).*\"arrived\": (\\d+).*", "$1"));
        double ideal = Double.parseDouble(r.out().replaceAll("(?s).*\"ideal_replica_hours\": ([0-9.e-]+).*", "$1"));
        assertEquals(arrived * 2.0 / 4 / 3600, ideal, 1e-4, "the recording's mean, 2 s, over 4 slots");

        CliResult lognormal = run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "constant", "--rate",
                "10", "--duration", "10m", "--task-distribution", "lognormal", "--task-seconds", "0.8",
                "--task-seconds-p99", "8", "-o", "json");
        assertEquals(0, lognormal.code(), lognormal.all());
        double mean = 0.8 * Math.exp(Math.pow(Math.log(10) / 2.3263478740, 2) / 2);
        double arrivedL = Double.parseDouble(lognormal.out().replaceAll("(?s).*\"arrived\": (\\d+).*", "$1"));
        double idealL = Double.parseDouble(lognormal.out()
                .replaceAll("(?s).*\"ideal_replica_hours\": ([0-9.e-]+).*", "$1"));
        assertEquals(arrivedL * mean / 4 / 3600, idealL, 1e-4, "the log-normal's mean, not its median");

        CliResult noP99 = run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "guide",
                "--task-distribution", "lognormal");
        assertEquals(ExitCodes.USAGE, noP99.code(), noP99.all());
        assertEquals("error: --task-distribution lognormal needs --task-seconds-p99", noP99.err().strip());
    }

    @Test
    void badTrafficFilesAndQuantitiesGetOneLine() throws Exception {
        Path rates = dir.resolve("bad.csv");
        Files.writeString(rates, "time_s,rate\n0,10\n30,fast\n");
        for (String[] args : new String[][] {
            {"--traffic-file", rates.toString()},
            {"--traffic", "constant", "--cpu-per-busy-slot", "lots"},
            {"--traffic", "sine", "--rate-low", "60", "--rate", "50"}}) {
            String[] full = new String[args.length + 3];
            full[0] = "rehearse";
            full[1] = "--autoscaler";
            full[2] = "hpa/load.yaml";
            System.arraycopy(args, 0, full, 3, args.length);
            CliResult r = run(full);
            assertEquals(ExitCodes.USAGE, r.code(), r.all());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertTrue(!r.all().contains("\tat "), "no stack trace: " + r.all());
        }
        Files.writeString(rates, "time_s,rate\n0,10\n30,fast\n");
        assertTrue(run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic-file", rates.toString()).err()
                .contains("--traffic-file line 3 is not time_s,rate: '30,fast'"));
    }

    @Test
    void aSweepOverTheLoadTargetMarksTheCheapestWithinTheSlo() {
        CliResult r = run("rehearse", "--autoscaler", "hpa/load.yaml", "--traffic", "constant", "--rate", "50",
                "--duration", "20m", "--measure-from", "5m", "--sweep", "celery_queue_required_replicas=0.8,1",
                "--slo-oldest-age", "5s");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().toList();
        assertEquals(3, rows.size(), r.out());
        assertTrue(rows.get(1).startsWith("0.8 ") && !rows.get(1).contains("recommended"), r.out());
        assertTrue(rows.get(2).startsWith("1 ") && rows.get(2).endsWith("<- recommended: cheapest within the SLO"),
                "fewer replica-hours, and a p95 oldest age within 5 s: " + r.out());
    }
}
