package io.celeryexporter.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP basic auth against bcrypt hashes, as the exporter-toolkit does. A bcrypt check costs tens of milliseconds on
 * purpose, so a password that passed once is remembered (as its SHA-256) and later scrapes compare that instead.
 */
final class BcryptAuthenticator extends BasicAuthenticator {

    /** A valid hash of a random password: unknown users cost the same time as known ones. */
    private static final String DUMMY_HASH = BCrypt.withDefaults().hashToString(10, "unknown-user".toCharArray());

    private final Map<String, String> hashes;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    BcryptAuthenticator(Map<String, String> hashes) {
        super("celery-queue-exporter", StandardCharsets.UTF_8);
        this.hashes = Map.copyOf(hashes);
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        String hash = hashes.get(user);
        if (hash == null) {
            BCrypt.verifyer().verify(password.toCharArray(), DUMMY_HASH);
            return false;
        }
        byte[] digest = sha256(password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        boolean ok = BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
        if (ok) {
            verified.put(user, digest);
        }
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
