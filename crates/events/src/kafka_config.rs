//! librdkafka client settings from `[events.kafka]`, shared by producer, consumer and admin.
//!
//! The SASL password is exposed here only, into librdkafka's own configuration; librdkafka
//! never logs it, and our errors print the broker list and the user, never the password.

use rdkafka::ClientConfig;

use crate::KafkaConfig;

/// The common part: brokers, identity and security.
pub(crate) fn client_config(cfg: &KafkaConfig, client_id: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", cfg.brokers.trim())
        .set("client.id", client_id)
        .set("security.protocol", cfg.security_protocol.trim());
    if cfg
        .security_protocol
        .to_ascii_lowercase()
        .starts_with("sasl")
    {
        c.set("sasl.mechanism", cfg.sasl_mechanism.trim())
            .set("sasl.username", cfg.sasl_username.as_str())
            .set("sasl.password", cfg.sasl_password.expose());
    }
    c
}
