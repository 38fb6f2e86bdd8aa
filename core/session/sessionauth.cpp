// SPDX-License-Identifier: GPL-3.0-or-later
// Session: HELLO (roles, auth methods) and the authentication handshake (CHALLENGE -> AUTHENTICATE, the SCRAM
// server signature on WELCOME). Lifecycle and I/O are in session.cpp, the client roles in sessionroles.cpp.
#include "session.h"

#include "auth/cryptosign.h"
#include "auth/scram.h"
#include "auth/wampcra.h"

#include <climits>

namespace wb::session {

using namespace wb::wamp;

namespace {
QString str(const char *s) { return QString::fromLatin1(s); }

Dict features(std::initializer_list<const char *> names)
{
    Dict f;
    for (const char *n : names)
        f.insert(str(n), true);
    return Dict{{str("features"), f}};
}
} // namespace

void Session::sendHello()
{
    Dict roles{
        {str("publisher"), features({"publisher_exclusion", "subscriber_blackwhite_listing", "publisher_identification"})},
        {str("subscriber"), features({"pattern_based_subscription", "publisher_identification"})},
        {str("caller"), features({"progressive_call_results", "progressive_call_invocations", "call_canceling",
                                  "caller_identification", "call_timeout"})},
        {str("callee"), features({"progressive_call_results", "progressive_call_invocations", "call_canceling",
                                  "caller_identification", "pattern_based_registration", "shared_registration",
                                  "call_timeout"})},
    };
    Dict details{{str("roles"), roles}, {str("agent"), m_options.agent}};
    const ClientAuth &a = m_options.auth;
    const QString method = a.method.isEmpty() ? str("anonymous") : a.method;
    details.insert(str("authmethods"), List{method});
    if (!a.authid.isEmpty())
        details.insert(str("authid"), a.authid);
    if (!a.authrole.isEmpty())
        details.insert(str("authrole"), a.authrole);
    m_scramClientNonce.clear();
    m_scramAuthMessage.clear();
    m_scramSaltedPassword.clear();
    if (method == u"cryptosign") {
        const auth::Ed25519KeyPair key = auth::ed25519KeyPairFromSeed(a.privateKey);
        details.insert(str("authextra"), Dict{{str("pubkey"), QString::fromLatin1(key.publicKey.toHex())}});
    } else if (method == u"scram") {
        m_scramClientNonce = auth::scramNonce();
        details.insert(str("authextra"), Dict{{str("nonce"), m_scramClientNonce}});
    }
    setState(State::Establishing);
    send(Message::hello(m_options.realm, details));
}


void Session::failAuthentication(const QString &reason)
{
    send(Message::abort(Dict{{str("message"), reason}}, uris::authenticationFailed));
    finish(uris::authenticationFailed, reason);
}

void Session::handleChallenge(const Message &m)
{
    const QString method = m.at(1).toString();
    const Dict extra = m.dict();
    const ClientAuth &a = m_options.auth;
    if (method != a.method)
        return failAuthentication(QStringLiteral("router challenged with %1, but only %2 was offered").arg(method, a.method));
    setState(State::Authenticating);
    if (method == u"ticket") {
        send(Message::authenticate(a.secret, {}));
    } else if (method == u"wampcra") {
        const QString challenge = extra.value(str("challenge")).toString();
        QByteArray key = a.secret.toUtf8();
        if (extra.contains(str("salt"))) {
            key = auth::craDeriveKey(a.secret, extra.value(str("salt")).toString(),
                                     int(extra.value(str("iterations")).toInt64().value_or(1000)),
                                     int(extra.value(str("keylen")).toInt64().value_or(32)));
        }
        send(Message::authenticate(auth::craSign(key, challenge), {}));
    } else if (method == u"cryptosign") {
        const Value binding = extra.value(str("channel_binding"));
        if (!binding.isNull())
            return failAuthentication(QStringLiteral("router asked for cryptosign channel binding %1, which was not requested")
                                          .arg(binding.toDebugString()));
        const auto challenge = auth::decodeHex(extra.value(str("challenge")).toString(), auth::kCryptosignChallengeBytes,
                                               str("CHALLENGE.Extra.challenge"));
        if (!challenge)
            return failAuthentication(challenge.errorString());
        const QString signature = auth::cryptosignSign(a.privateKey, *challenge);
        if (signature.isEmpty())
            return failAuthentication(QStringLiteral("cryptosign needs a 32-byte private key"));
        send(Message::authenticate(signature, {}));
    } else if (method == u"scram") {
        const QString nonce = extra.value(str("nonce")).toString();
        if (m_scramClientNonce.isEmpty() || !nonce.startsWith(m_scramClientNonce) || nonce.size() <= m_scramClientNonce.size())
            return failAuthentication(QStringLiteral("SCRAM CHALLENGE nonce does not extend the client nonce"));
        auth::ScramParams p;
        p.kdf = extra.value(str("kdf")).toString();
        p.salt = extra.value(str("salt")).toString();
        p.iterations = int(qBound(qint64(0), extra.value(str("iterations")).toInt64().value_or(0), qint64(INT_MAX)));
        p.memory = int(qBound(qint64(0), extra.value(str("memory")).toInt64().value_or(0), qint64(INT_MAX)));
        const auto salted = auth::scramSaltedPassword(a.secret, p);
        if (!salted)
            return failAuthentication(QStringLiteral("SCRAM CHALLENGE unusable: %1").arg(salted.errorString()));
        m_scramSaltedPassword = *salted;
        m_scramAuthMessage = auth::scramAuthMessage(a.authid, m_scramClientNonce, nonce, p);
        const QByteArray proof = auth::scramClientProof(m_scramSaltedPassword, m_scramAuthMessage);
        send(Message::authenticate(QString::fromLatin1(proof.toBase64()), Dict{{str("nonce"), nonce}}));
    } else {
        failAuthentication(QStringLiteral("authentication method %1 is not supported by this client").arg(method));
    }
}

QString Session::scramWelcomeProblem(const Dict &welcomeDetails) const
{
    if (m_scramAuthMessage.isEmpty() || m_scramSaltedPassword.isEmpty())
        return QStringLiteral("WELCOME for SCRAM without a completed challenge");
    const QString got = welcomeDetails.value(str("authextra")).toDict().value(str("scram_server_signature")).toString();
    if (got.isEmpty())
        return QStringLiteral("WELCOME lacks authextra.scram_server_signature: the router did not prove it knows the "
                              "credentials");
    const auth::ScramKeys keys = auth::scramKeys(m_scramSaltedPassword);
    const QString expected = QString::fromLatin1(auth::scramServerSignature(keys.serverKey, m_scramAuthMessage).toBase64());
    if (!auth::constantTimeEquals(expected.toLatin1(), got.toLatin1()))
        return QStringLiteral("the router's SCRAM server signature does not verify: it does not hold this user's keys");
    return {};
}

} // namespace wb::session
