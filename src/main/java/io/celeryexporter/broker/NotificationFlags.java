package io.celeryexporter.broker;

/**
 * The server's {@code notify-keyspace-events} setting, as {@code CONFIG GET} reads it: which notifications Redis
 * publishes. List events need {@code l} (or {@code A}, every class) and a channel family: {@code E} publishes on
 * {@code __keyevent@DB__:EVENT} with the key as the message, {@code K} on {@code __keyspace@DB__:KEY} with the event
 * as the message.
 */
public record NotificationFlags(String flags) {

    public boolean listEvents() {
        return flags.indexOf('l') >= 0 || flags.indexOf('A') >= 0;
    }

    public boolean keyevent() {
        return flags.indexOf('E') >= 0;
    }

    public boolean keyspace() {
        return flags.indexOf('K') >= 0;
    }

    /** Whether list pushes and pops reach a subscriber. */
    public boolean announcesLists() {
        return listEvents() && (keyevent() || keyspace());
    }
}
