package io.celeryexporter.keda;

import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.tls.PemFiles;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The exporter as a KEDA external scaler ({@code external} and {@code external-push} triggers), on a port of its
 * own: {@code --keda.listen-address}. TLS and client certificates as KEDA's {@code caCert}, {@code tlsClientCert}
 * and {@code tlsClientKey} expect them, from the same PEM files the exporter's other TLS ends read.
 */
public final class KedaServer implements AutoCloseable {

    private final Server server;
    private final ActivityStreams streams;
    private final KedaStats stats;

    private KedaServer(Server server, ActivityStreams streams, KedaStats stats) {
        this.server = server;
        this.streams = streams;
        this.stats = stats;
    }

    /** Starts serving, fed by the poll's results and, where keyspace notifications are on, its arrivals. */
    public static KedaServer start(KedaConfig config, ExporterState state, Poller poller) throws IOException {
        KedaStats stats = new KedaStats();
        ActivityStreams streams = new ActivityStreams(stats);
        Server server = NettyServerBuilder.forAddress(config.address(), credentials(config))
                .addService(ServerInterceptors.intercept(new ExternalScalerService(state, streams), stats))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            BindException taken = new BindException("--keda.listen-address " + config.address().getHostString()
                    + ":" + config.address().getPort() + ": " + cause.getMessage());
            taken.initCause(e);
            throw taken;
        }
        state.onPublish(streams::onPoll);
        poller.onArrival(streams::onArrival);
        return new KedaServer(server, streams, stats);
    }

    private static ServerCredentials credentials(KedaConfig config) {
        if (!config.tls()) {
            return InsecureServerCredentials.create();
        }
        TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                .keyManager(PemFiles.keyManagers(config.certFile(), config.keyFile()));
        if (config.clientCaFile() != null) {
            tls.trustManager(PemFiles.trustManagers(config.clientCaFile()))
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return tls.build();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** Open {@code StreamIsActive} calls. */
    public int streams() {
        return streams.size();
    }

    /** What it has served, for the exporter's metrics. */
    public KedaStats stats() {
        return stats;
    }

    @Override
    public void close() {
        streams.closeAll();
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
