package io.celeryexporter.broker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds an {@link SSLContext} from PEM files, the format Redis and Celery users already have. */
public final class SslContexts {

    private SslContexts() {}

    public static SSLContext forClient(TlsSettings tls) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(tls), trustManagers(tls), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new InvalidBrokerUrlException("cannot set up TLS: " + e.getMessage());
        }
    }

    private static TrustManager[] trustManagers(TlsSettings tls) throws GeneralSecurityException {
        if (tls.verification() == TlsSettings.Verification.NONE) {
            return new TrustManager[] {new TrustEverything()};
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (tls.caFile() == null) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = emptyStore();
            int i = 0;
            for (Certificate cert : readCertificates(tls.caFile())) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            factory.init(store);
        }
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(TlsSettings tls) throws GeneralSecurityException {
        if (tls.certFile() == null) {
            return null;
        }
        List<Certificate> chain = readCertificates(tls.certFile());
        PrivateKey key = readPkcs8Key(tls.keyFile(), chain.get(0).getPublicKey().getAlgorithm());
        KeyStore store = emptyStore();
        char[] password = new char[0];
        store.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    static List<Certificate> readCertificates(Path file) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new InvalidBrokerUrlException("no PEM certificate found in " + file);
            }
            return new ArrayList<>(certs);
        } catch (IOException e) {
            throw new InvalidBrokerUrlException("cannot read certificate file " + file + ": " + e.getMessage());
        }
    }

    static PrivateKey readPkcs8Key(Path file, String algorithm) throws GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidBrokerUrlException("cannot read key file " + file + ": " + e.getMessage());
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < 0) {
            throw new InvalidBrokerUrlException("key file " + file + " is not an unencrypted PKCS#8 PEM key"
                    + " (BEGIN PRIVATE KEY); convert it with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
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
