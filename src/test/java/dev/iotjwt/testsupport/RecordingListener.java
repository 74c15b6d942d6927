package dev.iotjwt.testsupport;

import dev.iotjwt.broker.BrokerListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A broker listener that keeps every event and message, for tests to look at. */
public final class RecordingListener implements BrokerListener {
    public final List<Event> events = new CopyOnWriteArrayList<>();
    public final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void event(Event event) {
        events.add(event);
    }

    @Override
    public void message(Message message) {
        messages.add(message);
    }
}
