// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Secrets out of exported captures. What is replaced by "<redacted>" (the placeholder is a string, so a
// redacted capture still decodes):
//  - AUTHENTICATE: the signature (a ticket is the secret itself; a CRA/cryptosign signature or SCRAM proof
//    allows offline guessing), and secret-looking keys of its extra (below);
//  - CHALLENGE: the "salt" of WAMP-CRA and SCRAM;
//  - HELLO / WELCOME / AUTHENTICATE authextra keys whose name contains secret, password, passwd, ticket, token,
//    private, signature, proof, cookie or cbind_data (e.g. SCRAM's scram_server_signature); public keys,
//    nonces and channel-binding types stay;
//  - WebSocket handshake headers Authorization, Proxy-Authorization, Cookie, Set-Cookie; a password in the URL.
// A redacted message is re-encoded with its serializer (its other fields keep their values, JSON formatting may
// differ), so a wire-exact export needs ExportOptions::keepSecrets.

#include "capture/capturerecord.h"
#include "capture/connectioninfo.h"

#include <QString>

namespace wb::capture {

inline const QString kRedacted = QStringLiteral("<redacted>");

/// Redacts \a message in place (bytes and, if set, the decoded message); true if anything was replaced.
bool redactMessage(RecordedMessage &message);
/// Redacts the handshake headers and URL of \a info in place; true if anything was replaced.
bool redactConnection(ConnectionInfo &info);
/// True for an authextra / extra key that names a secret (see above).
bool isSecretKey(const QString &key);

} // namespace wb::capture
