// SPDX-License-Identifier: GPL-3.0-or-later
#include "ticketauth.h"

#include "auth/wampcra.h"
#include "wamp/errors.h"

namespace wb::router::auth {

AuthStep TicketAuthenticator::start()
{
    return AuthStep::challengeWith(wamp::Message::challenge(method(), wamp::Dict()));
}

AuthStep TicketAuthenticator::authenticate(const QString &signature, const wamp::Dict &)
{
    if (!wb::auth::constantTimeEquals(signature.toUtf8(), m_user.secret.toUtf8()))
        return AuthStep::abort(wamp::uris::authenticationDenied,
                               QStringLiteral("wrong ticket for authid %1").arg(m_user.authid));
    return AuthStep::welcome(m_user.authid, m_user.authrole, method());
}

} // namespace wb::router::auth
