// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Static, Crossbar-style authorization of one realm (wamp-notes §9.1, §9.5). A session's authrole selects a
// role; the role's best matching permission (exact > longest prefix > best wildcard, the precedence of
// pattern registrations) decides whether the action is allowed and whether the caller/publisher is disclosed.
//
// A realm without roles authorizes everything (the router's behaviour before roles existed). A realm with roles
// admits only sessions whose authrole is one of them (Crossbar ABORTs the join with wamp.error.no_such_role).
// The URI checked is the one in the request: the topic/procedure of PUBLISH/CALL, the pattern string of a
// pattern SUBSCRIBE/REGISTER. Meta API URIs (wamp.*) are not special: they need a permission like any other.

#include "routerconfig.h"

#include <QHash>
#include <QString>

namespace wb::router {

class Authorizer
{
public:
    enum class Action { Call, Register, Publish, Subscribe };

    struct Decision
    {
        bool allowed = false;
        /// The permission forces disclosure of the caller (Call) or publisher (Publish).
        bool disclose = false;
        /// Why it was denied, for the ERROR args and the log ("role user may not publish to com.x").
        QString reason;
    };

    Authorizer() = default;
    explicit Authorizer(const QList<RoleConfig> &roles);

    /// False: no roles configured, everything is allowed.
    bool isEnabled() const { return m_enabled; }
    /// May a session with \a authrole join? (Always true when disabled.)
    bool hasRole(const QString &authrole) const { return !m_enabled || m_roles.contains(authrole); }
    Decision authorize(const QString &authrole, Action action, const QString &uri) const;

    static QString actionName(Action action);

private:
    struct Role
    {
        QHash<QString, PermissionConfig> exact;
        QList<PermissionConfig> prefix; ///< longest URI first
        QList<PermissionConfig> wildcard;
    };
    /// The permission that applies to \a uri, or nullptr.
    static const PermissionConfig *bestMatch(const Role &role, const QString &uri);

    bool m_enabled = false;
    QHash<QString, Role> m_roles;
};

} // namespace wb::router
