package io.celeryexporter.broker;

import io.celeryexporter.tls.PemFiles;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The client side of {@code rediss://}: whom to trust and which certificate to present. */
final class SslContexts {

    private SslContexts() {}

    static SSLContext forClient(TlsSettings tls) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(tls.certFile() == null ? null : PemFiles.keyManagers(tls.certFile(), tls.keyFile()),
                    trustManagers(tls), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new InvalidBrokerUrlException("cannot set up TLS: " + e.getMessage());
        }
    }

    private static TrustManager[] trustManagers(TlsSettings tls) throws GeneralSecurityException {
        if (tls.verification() == TlsSettings.Verification.NONE) {
            return new TrustManager[] {new TrustEverything()};
        }
        if (tls.caFile() != null) {
            return PemFiles.trustManagers(tls.caFile());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return factory.getTrustManagers();
    }

    /** Used only with {@link TlsSettings.Verification#NONE}, which the user asked for explicitly. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
