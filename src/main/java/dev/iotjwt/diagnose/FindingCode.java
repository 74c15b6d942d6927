package dev.iotjwt.diagnose;

/**
 * Every finding code the tool emits: the stable contract scripts and CI match on (DESIGN.md). This catalogue is the
 * single source of {@code docs/findings.md}; a test fails when a code the source can emit is missing here, or when
 * the document differs from what the catalogue generates. A code keeps its meaning once released.
 *
 * <p>{@link #severity()} is the severity the code usually carries; where a code is also emitted at another severity,
 * its meaning says when.
 *
 * <p>Nothing in the start-up path of {@code mint} or {@code check} loads this class: loading and initialising it took
 * 1.4 to 4 ms on a 2-core machine, so the emitters keep their code literals and {@code FindingCodeTest} proves every
 * one of them is catalogued.
 */
public enum FindingCode {
    // token: check, connect's inputs step, the bridge's judgement of a CONNECT
    JWT_MALFORMED("jwt.malformed", Severity.ERROR, Area.TOKEN,
            "the token is not a compact JWS: empty, not three segments separated by '.', a segment that is not"
                    + " base64url, or a header or claims segment that is not one flat JSON object; on the bridge also a"
                    + " CONNECT without a password",
            "send all three segments (header.claims.signature) joined by '.', each the base64url of one JSON"
                    + " object; the JWT goes in the MQTT password"),
    JWT_BASE64_WHITESPACE("jwt.base64.whitespace", Severity.ERROR, Area.TOKEN,
            "the token has whitespace characters (line breaks, spaces, NUL bytes) inside it",
            "send the token as one unbroken line: no line breaks, spaces or NUL bytes inside the MQTT password"),
    JWT_BASE64_PADDING("jwt.base64.padding", Severity.WARNING, Area.TOKEN,
            "a segment ends with '=' padding, which base64url in a JWT must not have (RFC 7515); Google IoT Core"
                    + " tolerated it, strict brokers such as ClearBlade refuse it (an error with --strict)",
            "strip every trailing '=' from each segment, and sign the unpadded header.claims text"),
    JWT_BASE64_ALPHABET("jwt.base64.alphabet", Severity.ERROR, Area.TOKEN,
            "a segment uses '+' or '/' from the standard base64 alphabet; a JWT uses base64url, with '-' and '_'",
            "encode with the URL-safe alphabet: replace '+' with '-' and '/' with '_', and drop '='"),
    JWT_BASE64_NON_CANONICAL("jwt.base64.non-canonical", Severity.WARNING, Area.TOKEN,
            "the last character of a segment sets unused low bits, so the same bytes have another, canonical"
                    + " base64url text (RFC 4648 §3.5); Google IoT Core decoded it, strict brokers compare the text and"
                    + " refuse it (an error with --strict)",
            "encode each segment with a standard base64url encoder (the unused bits are zero), and sign that text"),
    JWT_HEADER_ALG("jwt.header.alg", Severity.ERROR, Area.TOKEN,
            "the header has no alg, or an alg other than RS256 and ES256, the only ones IoT Core accepts",
            "use RS256 with an RSA key, ES256 with an EC P-256 key"),
    JWT_HEADER_TYP("jwt.header.typ", Severity.INFO, Area.TOKEN,
            "the header has no typ, or a typ other than \"JWT\"; IoT Core accepted such tokens",
            "set \"typ\":\"JWT\" in the header"),
    JWT_HEADER_CRIT("jwt.header.crit", Severity.ERROR, Area.TOKEN,
            "the header has crit: a verifier that does not understand every listed extension must refuse the token"
                    + " (RFC 7515 §4.1.11), and IoT Core's rules have none; an empty crit list is itself invalid",
            "remove crit (and b64) from the header: {\"alg\":\"ES256\",\"typ\":\"JWT\"}"),
    JWT_IAT_UNSET_CLOCK("jwt.iat.unset-clock", Severity.ERROR, Area.TOKEN,
            "iat is near 1970: the device clock was never set (it starts at 1970 after a power loss or reset)",
            "set the clock from NTP/SNTP before minting, and do not mint until it is set"),
    JWT_IAT_FUTURE("jwt.iat.future", Severity.ERROR, Area.TOKEN,
            "iat is ahead of now by more than the skew the bridge allows: the device clock is fast",
            "sync the device clock with NTP/SNTP; mint with the synchronised time"),
    JWT_EXP_EXPIRED("jwt.exp.expired", Severity.ERROR, Area.TOKEN,
            "the token has expired (a warning while the bridge's skew still covers it); the bridge closes a"
                    + " connected device's connection at exp plus the skew, as IoT Core did",
            "mint a fresh token with the current time and reconnect before exp; if the device thinks it is fresh,"
                    + " its clock is behind: sync it with NTP"),
    JWT_LIFETIME_NEGATIVE("jwt.lifetime.negative", Severity.ERROR, Area.TOKEN,
            "exp is equal to or before iat: the token was never valid",
            "set exp = iat + the lifetime (e.g. 3600 for 1 h)"),
    JWT_LIFETIME_TOO_LONG("jwt.lifetime.too-long", Severity.ERROR, Area.TOKEN,
            "the lifetime (exp − iat) is longer than the 24 h (plus skew) IoT Core allows",
            "set exp at most 86400 seconds after iat; mint a new token before the old one expires"),
    JWT_CLAIM_MISSING("jwt.claim.missing", Severity.ERROR, Area.TOKEN,
            "the claims have no iat, exp or aud (on the bridge: no usable exp)",
            "add iat and exp as JSON numbers of seconds since 1970, and aud as the cloud project id"),
    JWT_CLAIM_TYPE("jwt.claim.type", Severity.WARNING, Area.TOKEN,
            "iat or exp is not a whole JSON number of seconds: a fraction, or a number in a string (warnings: Google"
                    + " accepted them, strict brokers do not; errors with --strict), or a value that is no time at"
                    + " all (an error)",
            "write iat and exp as integers of seconds since 1970, without quotes"),
    JWT_AUD_MISMATCH("jwt.aud.mismatch", Severity.ERROR, Area.TOKEN,
            "aud is not a single string equal to the project id (an array, another JSON type, or another project);"
                    + " IoT Core refuses it without looking further",
            "mint with aud set to the project id exactly: \"aud\": \"<project id>\""),
    JWT_SIGNATURE_LENGTH("jwt.signature.length", Severity.ERROR, Area.TOKEN,
            "the signature has the wrong length: an ES256 signature is 64 bytes (R and S, 32 bytes each), an RS256"
                    + " signature as long as the key's modulus",
            "write r and s as 32-byte big-endian numbers, left-padded with zeros, one after the other; send the"
                    + " whole RS256 signature, base64url-encoded"),
    JWT_SIGNATURE_DER_ENCODED("jwt.signature.der-encoded", Severity.ERROR, Area.TOKEN,
            "the ES256 signature is ASN.1 DER (a SEQUENCE of r and s); JWS needs the raw 64-byte R‖S (RFC 7518"
                    + " §3.4)",
            "convert DER to R‖S: take r and s, left-pad each to 32 bytes, concatenate (mbedtls_ecdsa_write_signature"
                    + " and OpenSSL's ECDSA_sign write DER)"),
    JWT_SIGNATURE_UNVERIFIED("jwt.signature.unverified", Severity.INFO, Area.TOKEN,
            "no key was given, so the signature was not checked",
            "add --public-key, --cert or --key with the device's registered key"),
    JWT_KEY_ALG_MISMATCH("jwt.key.alg-mismatch", Severity.ERROR, Area.TOKEN,
            "the alg does not fit the key: RS256 needs an RSA key, ES256 an EC P-256 key (also the refusal of mint"
                    + " --alg with the other kind of key, exit 3)",
            "the alg must match the registered key: RS256 for an RSA key, ES256 for an EC P-256 key"),
    JWT_SIGNATURE_WRONG_INPUT("jwt.signature.wrong-input", Severity.ERROR, Area.TOKEN,
            "the signature verifies with the key given, but over other bytes than the token's header.claims text:"
                    + " the firmware signed the wrong bytes",
            "sign exactly the ASCII text <header>.<claims> as it appears in the token you send (base64url, no '=')"),
    JWT_SIGNATURE_INVALID("jwt.signature.invalid", Severity.ERROR, Area.TOKEN,
            "the signature does not verify with any key given (on the bridge: any of the device's credentials); all"
                    + " zero bytes when the signer failed on the device",
            "register the public key that belongs to the device's private key (compare fingerprints with iotjwt key"
                    + " inspect), or sign with the key whose public half is registered"),

    // keys: refusals that stop a command with exit code 3
    KEY_UNSUPPORTED("key.unsupported", Severity.ERROR, Area.KEY,
            "the key is of a type or curve IoT Core never accepted (Ed25519, DSA, secp256k1, P-384, …), has explicit"
                    + " curve parameters or no named curve, or is in a format made for something else (OpenSSH,"
                    + " PuTTY, OpenPGP, JSON); key inspect still describes such a key",
            "make an RSA key (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa_private.pem) or"
                    + " a P-256 key (openssl ecparam -genkey -name prime256v1 -noout -out ec_private.pem)"),
    KEY_ENCRYPTED("key.encrypted", Severity.ERROR, Area.KEY,
            "the key is encrypted (PKCS#8 or legacy OpenSSL PEM encryption) and no password was given; key inspect"
                    + " still describes how it is protected",
            "give --key-password-file FILE or --key-password-env VAR (or run it on a terminal to be asked)"),
    KEY_WEAK("key.weak", Severity.ERROR, Area.KEY,
            "the RSA key has fewer than 2048 bits; RS256 needs at least 2048",
            "make a new key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa_private.pem, and"
                    + " register its public key"),

    // the CA files of connect (--ca, the profile's roots)
    CA_UNREADABLE("ca.unreadable", Severity.ERROR, Area.CA,
            "a CA file cannot be read: missing, neither PEM nor DER, or not an X.509 certificate (a warning when a"
                    + " block in it that is not a certificate is skipped)",
            "give the root certificate itself, PEM or DER; a CA file holds certificates only"),
    CA_EMPTY("ca.empty", Severity.ERROR, Area.CA,
            "the CA files hold no certificates, so TLS cannot be verified",
            "give the root CA certificate(s) as PEM or DER"),
    CA_EXPIRED("ca.expired", Severity.WARNING, Area.CA,
            "a root in the CA file has expired; Java still trusts an expired root, but OpenSSL and mbedTLS firmware"
                    + " reject it",
            "ship a current root; for the LTS domain, both GTS LTSR and the backup GlobalSign ECC Root CA R4"),
    CA_NOT_SELF_SIGNED("ca.not-self-signed", Severity.WARNING, Area.CA,
            "a certificate in the CA file is not a root; the device breaks when the server rotates its chain",
            "embed the self-signed root that issued it"),

    // cert inspect: a certificate a device would embed or meet
    CERT_EXPIRED("cert.expired", Severity.ERROR, Area.CERT,
            "the certificate has expired",
            "replace it; a device that embeds it fails every TLS handshake"),
    CERT_NOT_YET_VALID("cert.not-yet-valid", Severity.ERROR, Area.CERT,
            "the certificate is not valid yet",
            "check the clock of the machine or device that judges it"),
    CERT_EXPIRING("cert.expiring", Severity.WARNING, Area.CERT,
            "the certificate expires within 90 days",
            "plan the replacement on devices before then (IoT Core's roots changed under devices in the field)"),
    CERT_NOT_A_ROOT("cert.not-a-root", Severity.WARNING, Area.CERT,
            "the certificate is not self-signed: an intermediate or a leaf",
            "as a device's trust anchor it works only while the server sends this very chain; embed the root that"
                    + " issued it"),
    CERT_HEAVY_KEY("cert.heavy-key", Severity.WARNING, Area.CERT,
            "the certificate has a key (EC above 256 bits, RSA 4096 or more) that small crypto engines (hardware"
                    + " secure elements, trimmed mbedTLS or wolfSSL builds) often cannot verify",
            "check the device can verify such signatures, or choose a chain with a P-256 or RSA 2048 root"),

    // the client id: connect's inputs step, the bridge
    CLIENTID_MALFORMED("clientid.malformed", Severity.WARNING, Area.CLIENT_ID,
            "the client id is not projects/P/locations/R/registries/G/devices/D, or an id in it breaks IoT Core's"
                    + " rule (a letter, then 2-254 of letters, digits and - . _ + ~ %, not starting with 'goog'); the"
                    + " bridge refuses such a CONNECT, or one naming another project, region or registry",
            "build it from the project, region, registry and device ids (or use --project --region --registry"
                    + " --device)"),

    // the network, seen from the device's side: connect, cert inspect --host
    DNS_UNRESOLVED("dns.unresolved", Severity.ERROR, Area.NETWORK,
            "the host name does not resolve (or not within the timeout)",
            "check the host name's spelling and the DNS server or proxy settings; IoT Core's hosts are"
                    + " mqtt.googleapis.com and mqtt.2030.ltsapis.goog"),
    TCP_REFUSED("tcp.refused", Severity.ERROR, Area.NETWORK,
            "the TCP connection was refused (RST): nothing listens there, or a firewall rejects it",
            "check the host and port: 8883, or 443 where 8883 is blocked"),
    TCP_TIMEOUT("tcp.timeout", Severity.ERROR, Area.NETWORK,
            "no answer to the TCP connection within the timeout, or no route to the host: the port is filtered",
            "a firewall drops the traffic; check the host and port, try port 443"),
    TLS_TIMEOUT("tls.timeout", Severity.ERROR, Area.NETWORK,
            "TCP connected but the server sent no TLS answer within the timeout",
            "the port may not terminate TLS, or a middlebox swallows the traffic; check the port (8883 or 443)"),
    TLS_CLOSED("tls.closed", Severity.ERROR, Area.NETWORK,
            "the server dropped the connection during the TLS handshake, or sent no certificate",
            "often SNI or version/suite filtering: see the follow-up probes"),
    TLS_NOT_TLS("tls.not-tls", Severity.ERROR, Area.NETWORK,
            "the server answered in cleartext, not TLS",
            "use the broker's TLS port (8883 or 443), not a plain MQTT or HTTP port"),
    TLS_PROTOCOL_VERSION("tls.protocol-version", Severity.ERROR, Area.NETWORK,
            "the server refused the TLS version offered (alert protocol_version), the handshake works only with"
                    + " another version, or this client cannot offer the version asked for",
            "offer TLS 1.2 or 1.3; IoT Core needs at least 1.2"),
    TLS_NO_COMMON_CIPHER("tls.no-common-cipher", Severity.ERROR, Area.NETWORK,
            "the device and the server share no cipher suite, named group or signature scheme (alert"
                    + " handshake_failure or insufficient_security, or found by the follow-up probes)",
            "offer the AES-GCM ECDHE_ECDSA and ECDHE_RSA suites and the P-256 curve; an ECDSA certificate needs"
                    + " ECDHE_ECDSA suites"),
    TLS_SNI_MISSING("tls.sni-missing", Severity.ERROR, Area.NETWORK,
            "the device sends no SNI and the server needs it: the handshake works only with SNI, or the server"
                    + " presents its no-SNI placeholder certificate",
            "send the broker's host name in the TLS server_name extension (mbedtls_ssl_set_hostname,"
                    + " nx_secure_tls_session_sni_extension_set)"),
    TLS_SNI_REJECTED("tls.sni-rejected", Severity.ERROR, Area.NETWORK,
            "the server does not serve the SNI name sent (alert unrecognized_name, or the handshake works only"
                    + " without SNI)",
            "send the broker's own host name as SNI, never an IP address"),
    TLS_ALERT("tls.alert", Severity.ERROR, Area.NETWORK,
            "the server ended the handshake with another TLS alert, or the handshake failed for a reason the"
                    + " message names",
            null),
    TLS_MESSAGE_TOO_LARGE("tls.message-too-large", Severity.ERROR, Area.NETWORK,
            "the server sent a TLS handshake message larger than Java accepts (jdk.tls.maxHandshakeMessageSize),"
                    + " and devices' TLS stacks take far less: as a rule its certificate chain",
            "the broker is misconfigured (it should send its certificate and one or two intermediates, a few KB) or"
                    + " this is not the broker"),
    TLS_CHAIN_TOO_LONG("tls.chain-too-long", Severity.ERROR, Area.NETWORK,
            "the server sent a certificate chain longer than Java accepts (jdk.tls.maxCertificateChainLength), and"
                    + " devices' TLS stacks take far fewer (mbedTLS allows 8 intermediates by default)",
            "the broker is misconfigured (it should send its certificate and one or two intermediates) or this is"
                    + " not the broker"),
    TRUST_UNKNOWN_CA("trust.unknown-ca", Severity.ERROR, Area.NETWORK,
            "the server's chain does not end at a root given (or, with no roots given, one in the JDK's trust"
                    + " store), or ends at another CA with the same name as the root given",
            "give the root that issued the server's chain (for mqtt.2030.ltsapis.goog: GTS LTSR plus the backup"
                    + " GlobalSign ECC Root CA R4; for mqtt.googleapis.com: Google's roots.pem); an unknown corporate"
                    + " issuer means TLS interception"),
    TRUST_INCOMPLETE_CHAIN("trust.incomplete-chain", Severity.ERROR, Area.NETWORK,
            "the server's chain names an issuer the server did not send and which is not among the roots given",
            "if the issuer is an intermediate, the server omits it; otherwise the CA file has the wrong root"),
    TRUST_EXPIRED("trust.expired", Severity.ERROR, Area.NETWORK,
            "a certificate of the server's chain has expired at the time judged",
            "if the device clock is right, the server must renew its certificate"),
    TRUST_NOT_YET_VALID("trust.not-yet-valid", Severity.ERROR, Area.NETWORK,
            "a certificate of the server's chain is not valid yet by the clock used (before 2015: the device clock"
                    + " was never set)",
            "set the device clock from NTP/SNTP before TLS and before minting the JWT"),
    TRUST_HOSTNAME_MISMATCH("trust.hostname-mismatch", Severity.ERROR, Area.NETWORK,
            "the server certificate's names do not include the host name verified",
            "connect with the exact host name the certificate names, not by IP address"),

    // MQTT, seen from the device's side: connect
    MQTT_TIMEOUT("mqtt.timeout", Severity.ERROR, Area.MQTT,
            "no CONNACK (or acknowledgement) within the timeout after CONNECT",
            "the broker accepted TLS but not MQTT: check the port and that it is an MQTT broker"),
    MQTT_CLOSED("mqtt.closed", Severity.ERROR, Area.MQTT,
            "TLS was fine and CONNECT was sent, but the broker closed the connection without a CONNACK",
            "the broker rejected the session before replying: check the token (iotjwt check) and the client id"),
    MQTT_CONNACK_PROTOCOL("mqtt.connack.protocol", Severity.ERROR, Area.MQTT,
            "the broker refused MQTT 3.1.1 (CONNACK 1)",
            "IoT Core speaks MQTT 3.1.1 only; check that this is an IoT Core style bridge"),
    MQTT_CONNACK_CLIENT_ID("mqtt.connack.client-id", Severity.ERROR, Area.MQTT,
            "the broker refused the client id (CONNACK 2)",
            "use projects/P/locations/R/registries/G/devices/D exactly; a duplicate connection is refused too"),
    MQTT_CONNACK_UNAVAILABLE("mqtt.connack.unavailable", Severity.ERROR, Area.MQTT,
            "the broker is reachable but its service is unavailable (CONNACK 3)",
            "retry later with exponential backoff"),
    MQTT_CONNACK_BAD_CREDENTIALS("mqtt.connack.bad-credentials", Severity.ERROR, Area.MQTT,
            "the broker refused the user name or password as malformed (CONNACK 4; ClearBlade's answer to a bad"
                    + " JWT)",
            "check the token with iotjwt check"),
    MQTT_CONNACK_NOT_AUTHORIZED("mqtt.connack.not-authorized", Severity.ERROR, Area.MQTT,
            "the broker refused the device (CONNACK 5): bad signature or key, expired or future token, wrong aud,"
                    + " or an unknown project/region/registry/device",
            "check the token with iotjwt check --project P --public-key; the local broker's log names the exact"
                    + " reason"),
    MQTT_MALFORMED_CONNACK("mqtt.malformed-connack", Severity.ERROR, Area.MQTT,
            "the broker's answer to CONNECT is not a valid MQTT 3.1.1 CONNACK (another packet, a wrong length, an"
                    + " undefined return code)",
            "the broker is not an MQTT 3.1.1 broker, is broken, or something between rewrites the traffic; device"
                    + " MQTT stacks (coreMQTT, Paho embedded) drop such a connection"),
    MQTT_SUBSCRIBE_REJECTED("mqtt.subscribe.rejected", Severity.ERROR, Area.MQTT,
            "the broker refused the subscription (SUBACK 0x80)",
            "a device may subscribe only to its own /devices/D/config and /devices/D/commands/#"),
    MQTT_DROPPED("mqtt.dropped", Severity.ERROR, Area.MQTT,
            "the broker dropped the connection after CONNACK, during the session (a warning counting the drops"
                    + " under --stay)",
            "IoT Core drops a device that publishes with QoS 2, to a topic that is not its own, whose token expired"
                    + " (exp + 10 min), or that idles 20 min"),
    MQTT_MESSAGES_LOST("mqtt.messages-lost", Severity.ERROR, Area.MQTT,
            "QoS 1 messages were never acknowledged by the broker while staying (--stay)",
            "a device must keep unacknowledged QoS 1 messages and send them again after reconnecting; stay longer or"
                    + " find why the broker was unreachable (see the events)"),

    // the bridge: what a device did (broker, demo)
    DEVICE_UNKNOWN("device.unknown", Severity.ERROR, Area.BRIDGE,
            "the client id names a device that is not in the registry; refused with CONNACK 5",
            null),
    DEVICE_BLOCKED("device.blocked", Severity.ERROR, Area.BRIDGE,
            "the device is blocked in the registry; refused with CONNACK 5",
            null),
    DEVICE_NO_CREDENTIALS("device.no-credentials", Severity.ERROR, Area.BRIDGE,
            "the device has no unexpired credential; refused with CONNACK 5",
            null),
    DEVICE_CREDENTIAL_EXPIRED("device.credential-expired", Severity.ERROR, Area.BRIDGE,
            "the token verifies only with a credential of the device that has expired; refused with CONNACK 5",
            null),
    MQTT_NO_PASSWORD("mqtt.no-password", Severity.ERROR, Area.BRIDGE,
            "the CONNECT carries no user name and password; IoT Core needs the JWT as the MQTT password",
            "set the user name to 'unused' and the password to the JWT"),
    MQTT_PROTOCOL_VERSION("mqtt.protocol-version", Severity.ERROR, Area.BRIDGE,
            "the CONNECT is not MQTT 3.1.1 (protocol level 4); IoT Core answered CONNACK 1",
            "set the MQTT client to protocol level 4 (3.1.1)"),
    MQTT_WILL("mqtt.will", Severity.ERROR, Area.BRIDGE,
            "the CONNECT carries a Last Will; IoT Core did not support Last Will messages",
            "remove the Will from the connect options"),
    MQTT_FIRST_PACKET("mqtt.first-packet", Severity.ERROR, Area.BRIDGE,
            "the first packet is not CONNECT; MQTT 3.1.1 (§3.1.0-1) closes such a connection",
            "send CONNECT first and wait for its CONNACK"),
    MQTT_MALFORMED("mqtt.malformed", Severity.ERROR, Area.BRIDGE,
            "a packet does not decode as MQTT 3.1.1 (the first one as a CONNECT); the bridge closes the connection",
            "send well-formed MQTT 3.1.1 packets, CONNECT first"),
    MQTT_PACKET_TOO_LARGE("mqtt.packet-too-large", Severity.ERROR, Area.BRIDGE,
            "a packet is larger than IoT Core allowed; the bridge closes the connection",
            "keep telemetry to 256 KiB and state to 64 KiB a message"),
    MQTT_CONNECT_TIMEOUT("mqtt.connect-timeout", Severity.ERROR, Area.BRIDGE,
            "the connection sent no complete CONNECT within the bridge's connect timeout and is closed",
            "send CONNECT at once after the TLS handshake"),
    MQTT_SECOND_CONNECT("mqtt.second-connect", Severity.ERROR, Area.BRIDGE,
            "a second CONNECT arrived on a connected connection; MQTT 3.1.1 (§3.1.0-2) treats it as a protocol"
                    + " violation and the bridge closes the connection",
            "send CONNECT once per connection"),
    MQTT_UNEXPECTED_PACKET("mqtt.unexpected-packet", Severity.ERROR, Area.BRIDGE,
            "the device sent a packet a device never sends in IoT Core's protocol (QoS 2 flows and server packets"
                    + " are not accepted); the bridge closes the connection",
            "publish with QoS 0 or 1 and send only client packets"),
    MQTT_QOS2("mqtt.qos2", Severity.ERROR, Area.BRIDGE,
            "a QoS 2 PUBLISH arrived; IoT Core does not support QoS 2 and closes the connection",
            "publish with QoS 0 or 1"),
    MQTT_TOPIC_DENIED("mqtt.topic.denied", Severity.ERROR, Area.BRIDGE,
            "a publish to a topic that is not the device's own events or state topic; IoT Core closes the"
                    + " connection (a warning for a subscription refused the same way)",
            "publish to the device's own events or state topic; subscribe to its own config and commands topics"),
    MQTT_KEEPALIVE("mqtt.keepalive", Severity.ERROR, Area.BRIDGE,
            "no packet arrived within one and a half keep-alive periods; the bridge closes the connection (MQTT"
                    + " 3.1.1 §3.1.2.10)",
            "send PINGREQ within the keep-alive, or choose a longer keep-alive"),
    MQTT_TAKEOVER("mqtt.takeover", Severity.ERROR, Area.BRIDGE,
            "a newer connection of the same device was accepted; IoT Core allowed one connection a device and"
                    + " closed the older one",
            "make sure only one connection (one device, one firmware task) uses this device id"),
    BROKER_BUSY("broker.busy", Severity.ERROR, Area.BRIDGE,
            "the bridge had --max-connecting connections waiting for their CONNECT and closed the oldest waiting one"
                    + " of the address holding the most",
            "send CONNECT at once after the TLS handshake; on the bridge, raise --max-connecting"),
    GATEWAY_NOT_GATEWAY("gateway.not-gateway", Severity.ERROR, Area.BRIDGE,
            "a control message (attach or detach for another device) from a device that is not a gateway; IoT Core"
                    + " accepted attach and detach only from gateways and closed the connection",
            "make the device a gateway (gatewayConfig.gatewayType GATEWAY) and bind its devices to it, or do not"
                    + " publish to attach or detach"),
    GATEWAY_NOT_ATTACHED("gateway.not-attached", Severity.ERROR, Area.BRIDGE,
            "a gateway published or subscribed for a device that is not attached to it; IoT Core dropped the"
                    + " message (or refused the subscription) and sent GATEWAY_DEVICE_NOT_FOUND on the gateway's"
                    + " errors topic",
            "attach the device first: publish to /devices/DEVICE/attach (QoS 1) and wait for its PUBACK"),
    GATEWAY_NOT_BOUND("gateway.not-bound", Severity.ERROR, Area.BRIDGE,
            "a gateway attached a device that is not bound to it, and the gateway's auth method needs the"
                    + " association; GATEWAY_ATTACHMENT_ERROR on the gateway's errors topic",
            "bind the device to the gateway (bindDeviceToGateway), or change the gateway's auth method to"
                    + " DEVICE_AUTH_TOKEN_ONLY and attach with the device's JWT"),
    GATEWAY_ATTACH_TOKEN("gateway.attach-token", Severity.ERROR, Area.BRIDGE,
            "a gateway attached a device without the device's token, or with a token that was refused, and the"
                    + " gateway's auth method needs it; GATEWAY_ATTACHMENT_ERROR on the gateway's errors topic",
            "mint the attached device's token with its own key and the project as audience, and publish"
                    + " {\"authorization\": \"<the device's JWT>\"} to /devices/DEVICE/attach"),
    GATEWAY_NO_AUTH_METHOD("gateway.no-auth-method", Severity.ERROR, Area.BRIDGE,
            "a gateway without a gateway auth method (GATEWAY_AUTH_METHOD_UNSPECIFIED) attached a device; IoT Core let"
                    + " no device attach to such a gateway; GATEWAY_ATTACHMENT_ERROR on the gateway's errors topic",
            "set gatewayConfig.gatewayAuthMethod: ASSOCIATION_ONLY, DEVICE_AUTH_TOKEN_ONLY or"
                    + " ASSOCIATION_AND_DEVICE_AUTH_TOKEN"),
    DEVICE_NOT_TLS("device.not-tls", Severity.ERROR, Area.BRIDGE,
            "the device speaks MQTT without TLS to the TLS-only port, or its first bytes are neither a TLS"
                    + " ClientHello nor MQTT",
            "enable TLS in the device's MQTT client (port 8883 takes TLS only), trusting the bridge's CA"),
    DEVICE_HTTP("device.http", Severity.ERROR, Area.BRIDGE,
            "an HTTP client connected to the MQTT port",
            "point HTTP clients at an HTTP endpoint; a device must speak MQTT over TLS here"),
    DEVICE_TLS_TIMEOUT("device.tls.timeout", Severity.ERROR, Area.BRIDGE,
            "the device connected and sent nothing, or stalled in the handshake, within the bridge's timeout",
            "the device must send its ClientHello right after connecting and answer the bridge's handshake flight:"
                    + " check its receive buffer, clock, entropy source and the time its crypto takes"),
    DEVICE_TLS_CLOSED("device.tls.closed", Severity.ERROR, Area.BRIDGE,
            "the device closed the connection without an alert: before sending anything, after its ClientHello, or"
                    + " right after the bridge's certificate flight",
            "most embedded stacks close after the certificate flight when they cannot verify the certificate:"
                    + " check the root the device trusts and its crypto support; otherwise check its TLS log"),
    DEVICE_TLS_HANDSHAKE_FAILED("device.tls.handshake-failed", Severity.ERROR, Area.BRIDGE,
            "the TLS handshake did not complete, for a reason the message names",
            null),
    DEVICE_TLS_ALERT("device.tls.alert", Severity.ERROR, Area.BRIDGE,
            "the device ended the handshake with a TLS alert",
            "look up why the device's TLS stack sends that alert; its debug log names the check that failed"),
    DEVICE_TLS_NO_SNI("device.tls.no-sni", Severity.ERROR, Area.BRIDGE,
            "the device sends no server name (SNI); the bridge requires one and gives the placeholder certificate,"
                    + " as Google's front end did (a warning when the bridge serves it anyway)",
            "set the server name on the device (mbedTLS: mbedtls_ssl_set_hostname; wolfSSL: wolfSSL_UseSNI)"),
    DEVICE_TLS_UNKNOWN_SNI("device.tls.unknown-sni", Severity.ERROR, Area.BRIDGE,
            "the device asks for a server name the bridge does not serve and was refused with an alert (a warning"
                    + " when served: its certificate will not match)",
            "set the device's server name to one the bridge serves"),
    DEVICE_TLS_PROTOCOL_VERSION("device.tls.protocol-version", Severity.ERROR, Area.BRIDGE,
            "the device offers no TLS version the bridge takes",
            "enable TLS 1.2 (or 1.3) in the device's TLS stack (mbedTLS: MBEDTLS_SSL_PROTO_TLS1_2; wolfSSL:"
                    + " wolfSSLv23_client_method or wolfTLSv1_2_client_method)"),
    DEVICE_TLS_NO_COMMON_CIPHER("device.tls.no-common-cipher", Severity.ERROR, Area.BRIDGE,
            "the device offers no cipher suite the bridge takes",
            "enable one of the bridge's suites on the device (an ECDSA suite for an EC certificate)"),
    DEVICE_TLS_NO_COMMON_GROUP("device.tls.no-common-group", Severity.ERROR, Area.BRIDGE,
            "the device offers no named group (curve) the bridge takes",
            "enable secp256r1 (P-256) in the device's TLS stack (mbedTLS: MBEDTLS_ECP_DP_SECP256R1_ENABLED;"
                    + " wolfSSL: wolfSSL_UseSupportedCurve(ssl, WOLFSSL_ECC_SECP256R1))"),
    DEVICE_TLS_UNTRUSTED_SERVER("device.tls.untrusted-server", Severity.ERROR, Area.BRIDGE,
            "the device rejected the bridge's certificate",
            "the device must trust the bridge's CA, have a correct clock (the certificate's validity is checked"
                    + " against it), and verify a host name the certificate names"),
    DEVICE_TLS_WEAK_OFFER("device.tls.weak-offer", Severity.WARNING, Area.BRIDGE,
            "the device offers only suites without forward secrecy or AEAD, or neither secp256r1 nor x25519; a"
                    + " stricter front end refuses them",
            "enable an ECDHE suite with AES-GCM (e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) and secp256r1"
                    + " (P-256) on the device"),
    DEVICE_TLS_MAX_FRAGMENT_LENGTH("device.tls.max-fragment-length", Severity.WARNING, Area.BRIDGE,
            "the device asks for smaller TLS records (max_fragment_length); the bridge and IoT Core ignore it and"
                    + " send records of up to 16 KiB",
            "give the device's TLS stack a 16 KiB receive buffer (mbedTLS: MBEDTLS_SSL_IN_CONTENT_LEN 16384) instead"
                    + " of relying on max_fragment_length");

    /** Where a code is emitted, for the sections of {@code docs/findings.md}. */
    public enum Area {
        TOKEN("Token", "`check`, the `inputs` step of `connect`, and the bridge's judgement of a CONNECT."),
        KEY("Keys", "refusals of a key: the command stops with exit code 3 and says why (`mint`, `check`, `connect`,"
                + " `key …`)."),
        CA("CA files", "the `inputs` step of `connect`: the roots given with `--ca` or by the profile."),
        CERT("Certificates", "`cert inspect`: a certificate a device embeds or meets."),
        CLIENT_ID("Client id", "the `inputs` step of `connect`, and the bridge."),
        NETWORK("Network, TLS and trust", "`connect` (steps `dns`, `tcp`, `tls`, `trust`) and `cert inspect --host`."),
        MQTT("MQTT", "`connect` (steps `mqtt` and `session`)."),
        BRIDGE("Bridge", "`broker` and `demo`: what a device (or a gateway for its devices) did, in the bridge's"
                + " report of a connection.");

        private final String title;
        private final String where;

        Area(String title, String where) {
            this.title = title;
            this.where = where;
        }

        public String title() {
            return title;
        }

        public String where() {
            return where;
        }
    }

    private final String code;
    private final Severity severity;
    private final Area area;
    private final String meaning;
    private final String fix;

    FindingCode(String code, Severity severity, Area area, String meaning, String fix) {
        this.code = code;
        this.severity = severity;
        this.area = area;
        this.meaning = meaning;
        this.fix = fix;
    }

    /** The stable code, e.g. {@code jwt.exp.expired}. */
    public String code() {
        return code;
    }

    /** The severity the code usually carries. */
    public Severity severity() {
        return severity;
    }

    public Area area() {
        return area;
    }

    /** What the code means, one sentence in lower case. */
    public String meaning() {
        return meaning;
    }

    /** How to fix it, or null when only the message can say (it names the alert or the cause). */
    public String fix() {
        return fix;
    }

    /** The catalogue entry of {@code code}, or null when the tool has no such code. */
    public static FindingCode of(String code) {
        for (FindingCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return null;
    }
}
