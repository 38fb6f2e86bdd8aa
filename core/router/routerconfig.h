// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Configuration of the built-in router.
//
// JSON config file format (every key is optional; a missing key keeps the value of RouterConfig::defaults();
// "listeners" and "realms", when present, replace the default lists entirely). Unknown keys are rejected at
// every level, so a typo never goes unnoticed.
//
//   {
//     "listeners": [                                   // one entry per URL to listen on
//       {"url": "ws://127.0.0.1:8080/ws",              // ws://host:port/path, rs://host:port, unix:///path/to.sock
//        "max_message_size": 16777216},                // optional, bytes (default 16 MiB); larger incoming messages
//                                                      // close the connection
//       {"url": "wss://0.0.0.0:8443/ws",               // TLS: wss://host:port/path, rss://host:port (alias tcps://)
//        "tls": {"certificate": "server.crt",          // PEM certificate (more certificates in the file = chain)
//                "key": "server.key",                  // PEM private key (RSA or EC)
//                "chain_certificates": ["ca.crt"],     // optional: intermediate certificates sent along
//                "key_passphrase": "..."}}             // optional: for an encrypted key
//     ],                                               // relative paths are relative to the config file
//     "realms": [
//       {"name": "realm1",                             // a WAMP URI
//        "allow_anonymous": true,                      // optional, default true
//        "anonymous_role": "anonymous",                // optional, authrole given to anonymous sessions
//        "event_history": [                            // optional: keep the last "limit" events (1..100000, default
//          {"uri": "com.example.", "match": "prefix",  // 100) of these subscriptions, for wamp.subscription.get_events;
//           "limit": 100, "max_bytes": 16777216}],     // match exact (default) | prefix | wildcard; max_bytes: payload
//                                                      // budget of this history (approximate, default 16 MiB)
//        "max_retained": 1000,                         // optional (0..100000): retained events (PUBLISH retain=true), one per
//                                                      // topic; the oldest topic is dropped beyond this (0 = off)
//        "max_retained_bytes": 67108864,              // optional: payload budget of all retained events (default 64 MiB)
//        "max_sessions": 0,                            // optional, joined sessions in this realm (0 = no limit)
//        "roles": [                                    // optional, Crossbar-style static authorization; absent or
//          {"name": "user",                            // empty: every session may do everything. Present: a session
//           "permissions": [                           // whose authrole is not listed gets ABORT no_such_role
//             {"uri": "com.example.",                  // the URI (or URI pattern) the rule applies to
//              "match": "prefix",                      // exact (default) | prefix | wildcard
//              "allow": {"call": true, "register": false, "publish": true, "subscribe": true},  // default false
//              "disclose": {"caller": false, "publisher": false},  // force caller/publisher disclosure
//              "cache": true}                          // accepted for Crossbar compatibility; no effect
//           ]}
//        ],
//        "disclose_caller": "on_request"}              // optional: never | on_request (default) | always: put the
//                                                      // caller's id/authid/authrole into INVOCATION.Details
//     ],
//     "auto_create_realms": false,                     // true: a HELLO for an unknown realm creates it (anonymous allowed)
//     "users": [                                       // static principals (ticket, wampcra, cryptosign, scram)
//       {"authid": "alice", "authmethod": "ticket", "secret": "s3cret", "authrole": "user"},
//       {"authid": "peter", "authmethod": "wampcra", "secret": "secret123",
//        "salt": "salt123", "iterations": 1000, "keylen": 32,   // optional: salted WAMP-CRA (PBKDF2)
//        "realms": ["realm1"]},                        // optional: realms this user may join (default: any)
//       {"authid": "device7", "authmethod": "cryptosign", // Ed25519 public keys (64 hex) this user may log in with;
//        "authorized_keys": ["1adfc8bf...116d"]},      // HELLO without authid: the user holding the key
//       {"authid": "carol", "authmethod": "scram", "secret": "pw",    // plain password: keys derived at load
//        "kdf": "argon2id-13", "iterations": 2, "memory": 65536},   // optional cost (defaults per kdf) and "salt"
//       {"authid": "dave", "authmethod": "scram", "kdf": "pbkdf2",    // stored credentials (wampscope-cli scram-hash):
//        "salt": "<base64>", "iterations": 100000,                   // salt as sent to clients (base64),
//        "stored_key": "<64 hex>", "server_key": "<64 hex>"}         // StoredKey and ServerKey
//     ],
//     "max_outbound_queue_bytes": 67108864,            // per session: a client that stops reading is dropped
//     "auth_timeout_ms": 10000,                        // HELLO..WELCOME must complete within this time
//     "max_sessions": 10000,                           // joined sessions in the whole router (0 = no limit); a
//                                                      // HELLO beyond it gets ABORT wamp.error.limit_exceeded
//     "max_pending_connections": 4096                  // connections not yet joined (HELLO/authentication under
//                                                      // way); beyond it new connections are closed at once
//     "max_pending_calls": 1000,                       // per session: CALLs not answered yet; more get ERROR
//                                                      // wamp.error.limit_exceeded (0 = no limit)
//   }
//
// Authorization: the best matching permission of the session's role decides (exact > longest prefix > best
// wildcard, as for registrations); no matching permission denies. A denied CALL/REGISTER/SUBSCRIBE/acknowledged
// PUBLISH gets ERROR wamp.error.not_authorized; an unacknowledged PUBLISH is dropped and logged. The wamp.* meta
// API is authorized like any other URI (as in Crossbar).
//
// Defaults: listeners ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm "realm1" with anonymous access,
// no users, auto_create_realms false. "authrole" defaults to "user".

#include "wamp/result.h"
#include "wamp/uri.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace wb::router {

/// A static principal for ticket, WAMP-CRA, cryptosign or SCRAM authentication.
struct UserConfig
{
    QString authid;
    QString authrole = QStringLiteral("user");
    QString authmethod; ///< "ticket" | "wampcra" | "cryptosign" | "scram"
    QString secret;     ///< the ticket, the WAMP-CRA secret, or a SCRAM password (replaced by keys at load)
    QString salt;       ///< WAMP-CRA: non-empty means a salted secret (PBKDF2); SCRAM: base64 salt
    int iterations = 1000; ///< WAMP-CRA and SCRAM (SCRAM default depends on kdf when absent from the file)
    int keylen = 32;
    QStringList realms; ///< empty = any realm
    QStringList authorizedKeys; ///< cryptosign: Ed25519 public keys, 64 lowercase hex each
    QString kdf;        ///< SCRAM: "argon2id-13" | "pbkdf2"
    int memory = 0;     ///< SCRAM argon2id-13: KiB
    QString storedKey;  ///< SCRAM: StoredKey, 64 hex (empty: derived from secret)
    QString serverKey;  ///< SCRAM: ServerKey, 64 hex
};

/// A subscription whose events the broker keeps (wamp-notes §12.7).
struct EventHistoryConfig
{
    QString uri;
    QString match = QStringLiteral("exact"); ///< exact | prefix | wildcard
    int limit = 100;
    qint64 maxBytes = 16 * 1024 * 1024; ///< approximate payload bytes kept by this history
};

/// One Crossbar-style permission rule of a role.
struct PermissionConfig
{
    QString uri;
    wamp::MatchPolicy match = wamp::MatchPolicy::Exact;
    bool allowCall = false;
    bool allowRegister = false;
    bool allowPublish = false;
    bool allowSubscribe = false;
    bool discloseCaller = false;
    bool disclosePublisher = false;
    bool cache = false; ///< Crossbar's client-side decision cache flag: accepted, no effect here
};

struct RoleConfig
{
    QString name;
    QList<PermissionConfig> permissions;
};

struct RealmConfig
{
    RealmConfig() = default;
    explicit RealmConfig(QString realmName) : name(std::move(realmName)) {}

    QString name;
    bool allowAnonymous = true;
    QString anonymousRole = QStringLiteral("anonymous");
    QList<EventHistoryConfig> eventHistory;
    int maxRetained = 1000; ///< retained events (one per topic); 0 disables retention
    qint64 maxRetainedBytes = 64 * 1024 * 1024; ///< approximate payload bytes of all retained events
    /// Empty: no authorization (everything allowed). Otherwise only these roles may join, and act as permitted.
    QList<RoleConfig> roles;
    /// Joined sessions in this realm; 0 = no limit.
    int maxSessions = 0;
    /// Caller identification policy: "never" (CALL.Options.disclose_me is refused with
    /// wamp.error.option_disallowed.disclose_me, REGISTER.Options.disclose_caller ignored), "on_request" (when the caller
    /// or the callee asks) or "always".
    QString discloseCaller = QStringLiteral("on_request");
};

/// Certificate and key of a wss:// or rss:// listener (loaded by Router::start()).
struct ListenerTlsConfig
{
    QString certificateFile;
    QString keyFile;
    QStringList chainFiles;
    QString keyPassphrase;
    bool isSet() const { return !certificateFile.isEmpty() || !keyFile.isEmpty(); }
};

struct ListenerConfig
{
    QUrl url;
    qint64 maxMessageSize = 16 * 1024 * 1024;
    ListenerTlsConfig tls = {}; ///< required for wss://, rss://, tcps://; rejected for the others
};

struct RouterConfig
{
    QList<ListenerConfig> listeners;
    QList<RealmConfig> realms;
    bool autoCreateRealms = false;
    QList<UserConfig> users;
    /// Per-session cap on bytes queued for sending: a slow consumer is dropped with a reason.
    qint64 maxOutboundQueueBytes = 64 * 1024 * 1024;
    /// Time from connection to WELCOME (HELLO + authentication).
    int authTimeoutMs = 10000;
    /// Joined sessions in the whole router; 0 = no limit. A HELLO beyond it gets ABORT wamp.error.limit_exceeded.
    int maxSessions = 10000;
    /// Connections that have not joined yet (waiting for HELLO or authenticating); 0 = no limit.
    int maxPendingConnections = 4096;
    /// Per session: CALLs still waiting for their final RESULT/ERROR; 0 = no limit.
    int maxPendingCalls = 1000;

    /// ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm "realm1" with anonymous access.
    static RouterConfig defaults();
    /// Parse the JSON format documented at the top of this file. Errors read like
    /// "config: users[2].authmethod must be ticket, wampcra, cryptosign or scram".
    static Result<RouterConfig> fromJson(const QByteArray &json);
    static Result<RouterConfig> fromFile(const QString &path);
    /// Semantic checks shared by fromJson() and Router::start() (URIs, schemes, duplicates, ranges).
    Status validate() const;
};

} // namespace wb::router
