// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the meta API's source files (metaapi.cpp: dispatch and argument helpers; metasessions.cpp,
// metasubscriptions.cpp, metaregistrations.cpp): the call/reply types, the shared argument readers and the two
// templates written once for subscriptions and registrations.

#include "metaapi.h"
#include "realm.h"
#include "routersession.h"
#include "wamp/errors.h"

#include <QDateTime>

#include <optional>
#include <utility>

namespace wb::router {

/// One meta CALL: the caller plus Crossbar-style argument binding (position or keyword name).
struct MetaApi::Call
{
    RouterSession &caller;
    wamp::List args;
    wamp::Dict kwargs;

    wamp::Value arg(int pos, const QString &name) const
    {
        if (pos < args.size())
            return args.at(pos);
        return kwargs.value(name);
    }
};

/// The answer: a result value (RESULT [value]) or an error URI + message.
struct MetaApi::Reply
{
    wamp::Value result;
    QString error;
    QString message;

    static Reply ok(wamp::Value v = {}) { return Reply{std::move(v), {}, {}}; }
    static Reply fail(const QString &uri, const QString &message) { return Reply{{}, uri, message}; }
};

namespace metadetail {
QString isoTime(const QDateTime &t);
/// {"exact": [ids], "prefix": [ids], "wildcard": [ids]}.
wamp::Dict byPolicy(const QList<std::pair<wamp::MatchPolicy, quint64>> &items);
/// An ID argument: a positive integer in the WAMP ID range; \a error set otherwise.
std::optional<quint64> idArg(const wamp::Value &v, const QString &name, MetaApi::Reply *error);
/// Optional string argument (null/absent leaves \a out unchanged).
bool stringArg(const wamp::Value &v, const QString &name, QString &out, MetaApi::Reply *error);
/// A required string argument (a topic or procedure URI); \a error set otherwise.
std::optional<QString> requiredStringArg(const wamp::Value &v, const QString &name, MetaApi::Reply *error);
/// Optional match policy from an options dict ({"match": ...}).
std::optional<wamp::MatchPolicy> policyFromOptions(const wamp::Value &options, MetaApi::Reply *error);
} // namespace metadetail

template <typename Item, typename OfSession, typename All>
MetaApi::Reply MetaApi::listByPolicy(const Call &c, OfSession ofSession, All all) const
{
    using namespace metadetail;
    QList<const Item *> list;
    const wamp::Value sessionValue = c.arg(0, QStringLiteral("session_id"));
    if (!sessionValue.isNull()) {
        Reply error;
        const auto id = idArg(sessionValue, QStringLiteral("session_id"), &error);
        if (!id)
            return error;
        RouterSession *s = m_realm.session(*id);
        if (!s || !s->isEstablished())
            return Reply::fail(wamp::uris::noSuchSession,
                               QStringLiteral("no session with ID %1 exists on this router").arg(*id));
        list = ofSession(s);
    } else {
        list = all();
    }
    QList<std::pair<wamp::MatchPolicy, quint64>> items;
    for (const Item *item : std::as_const(list)) {
        if (!hidden(c.caller, item->uri))
            items.append({item->match, item->id});
    }
    return Reply::ok(byPolicy(items));
}

template <typename Item, typename Lookup>
MetaApi::Reply MetaApi::lookupByPolicy(const Call &c, const QString &uriName, Lookup lookup) const
{
    using namespace metadetail;
    Reply error;
    const auto uri = requiredStringArg(c.arg(0, uriName), uriName, &error);
    if (!uri)
        return error;
    const auto policy = policyFromOptions(c.arg(1, QStringLiteral("options")), &error);
    if (!policy)
        return error;
    const Item *item = lookup(*uri, *policy);
    if (!item || hidden(c.caller, item->uri))
        return Reply::ok();
    return Reply::ok(item->id);
}

} // namespace wb::router
