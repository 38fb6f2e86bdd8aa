// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "authenticator.h"

namespace wb::router::auth {

/// "ticket": CHALLENGE ["ticket", {}], AUTHENTICATE carries the ticket in clear text (compared in constant time).
class TicketAuthenticator final : public Authenticator
{
public:
    explicit TicketAuthenticator(UserConfig user) : m_user(std::move(user)) {}
    QString method() const override { return QStringLiteral("ticket"); }
    AuthStep start() override;
    AuthStep authenticate(const QString &signature, const wamp::Dict &extra) override;

private:
    UserConfig m_user;
};

} // namespace wb::router::auth
