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
//        "max_message_size": 16777216}                 // optional, bytes (default 16 MiB); larger incoming messages
//                                                      // close the connection
//     ],
//     "realms": [
//       {"name": "realm1",                             // a WAMP URI
//        "allow_anonymous": true,                      // optional, default true
//        "anonymous_role": "anonymous",                // optional, authrole given to anonymous sessions
//        "event_history": [                            // optional: keep the last "limit" events (1..100000, default
//          {"uri": "com.example.", "match": "prefix",  // 100) of these subscriptions, for wamp.subscription.get_events;
//           "limit": 100}],                            // match exact (default) | prefix | wildcard
//        "max_retained": 1000}                         // optional (0..100000): retained events (PUBLISH retain=true), one per
//                                                      // topic; the oldest topic is dropped beyond this (0 = off)
//     ],
//     "auto_create_realms": false,                     // true: a HELLO for an unknown realm creates it (anonymous allowed)
//     "users": [                                       // static principals for ticket / WAMP-CRA authentication
//       {"authid": "alice", "authmethod": "ticket", "secret": "s3cret", "authrole": "user"},
//       {"authid": "peter", "authmethod": "wampcra", "secret": "secret123",
//        "salt": "salt123", "iterations": 1000, "keylen": 32,   // optional: salted WAMP-CRA (PBKDF2)
//        "realms": ["realm1"]}                         // optional: realms this user may join (default: any)
//     ],
//     "max_outbound_queue_bytes": 67108864,            // per session: a client that stops reading is dropped
//     "auth_timeout_ms": 10000                         // HELLO..WELCOME must complete within this time
//   }
//
// Defaults: listeners ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm "realm1" with anonymous access,
// no users, auto_create_realms false. "authrole" defaults to "user".

#include "wamp/result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace wb::router {

/// A static principal for ticket or WAMP-CRA authentication.
struct UserConfig
{
    QString authid;
    QString authrole = QStringLiteral("user");
    QString authmethod; ///< "ticket" | "wampcra"
    QString secret;     ///< the ticket, or the WAMP-CRA secret
    QString salt;       ///< WAMP-CRA only: non-empty means a salted secret (PBKDF2 key derivation)
    int iterations = 1000;
    int keylen = 32;
    QStringList realms; ///< empty = any realm
};

/// A subscription whose events the broker keeps (wamp-notes §12.7).
struct EventHistoryConfig
{
    QString uri;
    QString match = QStringLiteral("exact"); ///< exact | prefix | wildcard
    int limit = 100;
};

struct RealmConfig
{
    QString name;
    bool allowAnonymous = true;
    QString anonymousRole = QStringLiteral("anonymous");
    QList<EventHistoryConfig> eventHistory;
    int maxRetained = 1000; ///< retained events (one per topic); 0 disables retention
};

struct ListenerConfig
{
    QUrl url;
    qint64 maxMessageSize = 16 * 1024 * 1024;
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

    /// ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm "realm1" with anonymous access.
    static RouterConfig defaults();
    /// Parse the JSON format documented at the top of this file. Errors read like
    /// "config: users[2].authmethod must be ticket or wampcra".
    static Result<RouterConfig> fromJson(const QByteArray &json);
    static Result<RouterConfig> fromFile(const QString &path);
    /// Semantic checks shared by fromJson() and Router::start() (URIs, schemes, duplicates, ranges).
    Status validate() const;
};

} // namespace wb::router
