package dev.iotjwt.broker;

import dev.iotjwt.Messages;
import dev.iotjwt.broker.policy.Outbound;
import dev.iotjwt.broker.policy.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

import java.util.ArrayList;
import java.util.List;

/** Netty's decoded MQTT messages as the policy's packets, and the policy's replies as Netty's messages. */
final class MqttPackets {
    private MqttPackets() {
    }

    /** The policy's view of one decoded message. Does not release the message. */
    static Packet of(MqttMessage m) {
        DecoderResult r = m.decoderResult();
        if (r != null && r.isFailure()) {
            Throwable cause = r.cause();
            return new Packet.Malformed(Messages.quote(Messages.cause(cause), 200),
                    cause instanceof TooLongFrameException, cause instanceof MqttUnacceptableProtocolVersionException);
        }
        MqttFixedHeader h = m.fixedHeader();
        MqttMessageType type = h.messageType();
        switch (type) {
            case CONNECT -> {
                MqttConnectMessage c = (MqttConnectMessage) m;
                MqttConnectVariableHeader v = c.variableHeader();
                MqttConnectPayload p = c.payload();
                Packet.Will will = v.isWillFlag() ? new Packet.Will(p.willTopic(), v.willQos(), v.isWillRetain(),
                        p.willMessageInBytes() == null ? 0 : p.willMessageInBytes().length) : null;
                return new Packet.Connect(v.name(), v.version(), p.clientIdentifier(), v.hasUserName() ? p.userName()
                        : null, v.hasPassword() ? nonNull(p.passwordInBytes()) : null, v.isCleanSession(),
                        v.keepAliveTimeSeconds(), will);
            }
            case PUBLISH -> {
                MqttPublishMessage p = (MqttPublishMessage) m;
                ByteBuf b = p.payload();
                byte[] payload = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), payload);
                return new Packet.Publish(p.variableHeader().topicName(), h.qosLevel().value(), h.isRetain(),
                        h.isDup(), p.variableHeader().packetId(), payload);
            }
            case SUBSCRIBE -> {
                MqttSubscribeMessage s = (MqttSubscribeMessage) m;
                List<Packet.Filter> filters = new ArrayList<>();
                for (MqttTopicSubscription t : s.payload().topicSubscriptions()) {
                    filters.add(new Packet.Filter(t.topicFilter(), t.qualityOfService().value()));
                }
                return new Packet.Subscribe(s.variableHeader().messageId(), filters);
            }
            case UNSUBSCRIBE -> {
                MqttUnsubscribeMessage u = (MqttUnsubscribeMessage) m;
                return new Packet.Unsubscribe(u.variableHeader().messageId(), u.payload().topics());
            }
            case PUBACK -> {
                Object v = m.variableHeader();
                return new Packet.PubAck(v instanceof MqttMessageIdVariableHeader id ? id.messageId() : 0);
            }
            case PINGREQ -> {
                return new Packet.PingReq();
            }
            case DISCONNECT -> {
                return new Packet.Disconnect();
            }
            default -> {
                return new Packet.Other(type.name());
            }
        }
    }

    private static byte[] nonNull(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    /**
     * The Netty message (or, for CONNACK, the four bytes of MQTT 3.1.1's CONNACK: a refused MQTT 3.1 or 5 device
     * gets the answer IoT Core gave, whatever protocol level the decoder saw).
     */
    static Object of(Outbound o) {
        if (o instanceof Outbound.ConnAck c) {
            return Unpooled.wrappedBuffer(new byte[] {0x20, 0x02, 0x00, (byte) c.code()});
        }
        if (o instanceof Outbound.SubAck s) {
            MqttMessageBuilders.SubAckBuilder b = MqttMessageBuilders.subAck().packetId(s.packetId());
            for (int g : s.granted()) {
                b.addGrantedQos(g == 0x80 ? MqttQoS.FAILURE : MqttQoS.valueOf(g));
            }
            return b.build();
        }
        if (o instanceof Outbound.UnsubAck u) {
            return MqttMessageBuilders.unsubAck().packetId(u.packetId()).build();
        }
        if (o instanceof Outbound.PubAck p) {
            return new MqttPubAckMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE,
                    false, 2), MqttMessageIdVariableHeader.from(p.packetId()));
        }
        if (o instanceof Outbound.PingResp) {
            return new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false,
                    0));
        }
        Outbound.Publish p = (Outbound.Publish) o;
        return MqttMessageBuilders.publish().topicName(p.topic()).qos(MqttQoS.valueOf(p.qos())).retained(false)
                .messageId(p.packetId()).payload(Unpooled.wrappedBuffer(p.payload())).build();
    }
}
