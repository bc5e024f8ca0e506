package io.celeryexporter.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerUrlTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // url                                   | scheme | host      | port  | user   | password   | db
        "redis://                                | REDIS  | localhost | 6379  | -      | -          | 0",
        "redis://localhost                       | REDIS  | localhost | 6379  | -      | -          | 0",
        "redis://10.0.0.5/3                      | REDIS  | 10.0.0.5  | 6379  | -      | -          | 3",
        "redis://:s3cret@host:6380/1             | REDIS  | host      | 6380  | -      | s3cret     | 1",
        "redis://app:pa%3Ass%40w%2Frd@host/2     | REDIS  | host      | 6379  | app    | pa:ss@w/rd | 2",
        "redis://app:p%40ss@host:7000/2          | REDIS  | host      | 7000  | app    | p@ss       | 2",
        "redis://u:a@b@host:1/0                  | REDIS  | host      | 1     | u      | a@b        | 0",
        "rediss://:pw@cache.example:6380/0?ssl_cert_reqs=required | REDISS | cache.example | 6380 | - | pw | 0",
        "redis://[::1]:6390/4                    | REDIS  | ::1       | 6390  | -      | -          | 4",
    })
    void parsesCeleryRedisUrls(String url, BrokerUrl.Scheme scheme, String host, int port, String user,
                               String password, int db) {
        BrokerUrl parsed = BrokerUrl.parse(url);
        assertEquals(scheme, parsed.scheme());
        assertEquals(List.of(new Endpoint(host, port)), parsed.endpoints());
        assertEquals(user, parsed.user());
        assertEquals(password, parsed.password());
        assertEquals(db, parsed.database());
    }

    @Test
    void parsesSentinelLists() {
        BrokerUrl url = BrokerUrl.parse("sentinel://:pw@h1:26379/2;sentinel://:pw@h2;sentinel://h3:26380");
        assertEquals(BrokerUrl.Scheme.SENTINEL, url.scheme());
        assertEquals(List.of(new Endpoint("h1", 26379), new Endpoint("h2", 26379), new Endpoint("h3", 26380)),
                url.endpoints());
        assertEquals("pw", url.password());
        assertEquals(2, url.database());
    }

    @Test
    void redactionMasksThePasswordEverywhere() {
        BrokerUrl url = BrokerUrl.parse("redis://app:TopSecret@host:6380/1");
        assertEquals("redis://app:****@host:6380/1", url.redacted());
        assertEquals(url.redacted(), url.toString());
        assertFalse(url.toString().contains("TopSecret"));
        assertEquals("sentinel://:****@h1:26379/0;sentinel://:****@h2:26379/0",
                BrokerUrl.parse("sentinel://:TopSecret@h1;sentinel://h2").redacted());
        assertNull(BrokerUrl.parse("redis://host").user());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://:TopSecret@host     | unsupported broker URL scheme 'http'",
        "amqp://guest:TopSecret@h// | unsupported broker URL scheme 'amqp'",
        "localhost:6379             | no scheme",
        "redis://:TopSecret@host:abc | port is not a number",
        "redis://:TopSecret@host:0   | port is not a number",
        "redis://:TopSecret@host/db  | database path is not a number",
        "redis://:Top/Secret@host/0  | port is not a number",
        "redis://:Top@Secret/x@host  | database path is not a number",
        "redis://:Top:Secret/x@host  | port is not a number",
        "sentinel://:TopSecret@h1;redis://h2 | must start with sentinel://",
        "redis://:Top%zzSecret@host  | malformed %-escape",
    })
    void rejectsBadUrlsWithoutEchoingThePassword(String url, String expectedReason) {
        InvalidBrokerUrlException e = assertThrows(InvalidBrokerUrlException.class, () -> BrokerUrl.parse(url));
        assertFalse(e.getMessage().contains("TopSecret"), e.getMessage());
        assertFalse(e.getMessage().contains("Secret"), e.getMessage());
        assertEquals(true, e.getMessage().contains(expectedReason), e.getMessage());
    }

    @Test
    void sentinelNeedsAMasterName() {
        BrokerUrl url = BrokerUrl.parse("sentinel://h1");
        assertThrows(InvalidBrokerUrlException.class,
                () -> new BrokerSettings(url, null, TlsSettings.DEFAULT, java.time.Duration.ofSeconds(1)));
    }
}
