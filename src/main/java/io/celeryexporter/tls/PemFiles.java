package io.celeryexporter.tls;

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
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates and keys from PEM files, the format Redis, Prometheus and Kubernetes users already have, turned into
 * the JDK's key and trust managers. Used for both ends: the broker client and the {@code /metrics} server. Problems
 * with a file are {@link IllegalArgumentException}s naming the file, never its content.
 */
public final class PemFiles {

    private static final char[] NO_PASSWORD = new char[0];

    private PemFiles() {}

    /** Trust exactly the CA certificates in {@code caFile}. */
    public static TrustManager[] trustManagers(Path caFile) {
        try {
            KeyStore store = emptyStore();
            int i = 0;
            for (Certificate cert : certificates(caFile)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use CA file " + caFile + ": " + e.getMessage());
        }
    }

    /** Present the certificate chain in {@code certFile}, with the PKCS#8 key in {@code keyFile}. */
    public static KeyManager[] keyManagers(Path certFile, Path keyFile) {
        try {
            List<Certificate> chain = certificates(certFile);
            PrivateKey key = privateKey(keyFile, chain.get(0).getPublicKey().getAlgorithm());
            KeyStore store = emptyStore();
            store.setKeyEntry("identity", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use certificate " + certFile + " with key " + keyFile + ": "
                    + e.getMessage());
        }
    }

    static List<Certificate> certificates(Path file) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate in " + file);
            }
            return new ArrayList<>(certs);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read certificate file " + file + ": " + e.getMessage());
        }
    }

    static PrivateKey privateKey(Path file, String algorithm) throws GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage());
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("key file " + file + " is not an unencrypted PKCS#8 PEM key"
                    + " (BEGIN PRIVATE KEY); convert it with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
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
}
