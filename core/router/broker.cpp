// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker.h"

#include "realm.h"
#include "routerlog.h"
#include "routersession.h"
#include "codec/serializer.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <array>

namespace wb::router {

using namespace wb::wamp;

namespace {

/// PUBLISH.Options black/white lists (wamp-notes §12.1). Empty optional = key absent.
struct Filters
{
    std::optional<QSet<quint64>> eligible, exclude;
    std::optional<QSet<QString>> eligibleAuthid, excludeAuthid, eligibleAuthrole, excludeAuthrole;

    bool any() const
    {
        return eligible || exclude || eligibleAuthid || excludeAuthid || eligibleAuthrole || excludeAuthrole;
    }

    bool accepts(const RouterSession &s) const
    {
        const SessionInfo &i = s.info();
        if (eligible && !eligible->contains(i.id))
            return false;
        if (exclude && exclude->contains(i.id))
            return false;
        if (eligibleAuthid && !eligibleAuthid->contains(i.authid))
            return false;
        if (excludeAuthid && excludeAuthid->contains(i.authid))
            return false;
        if (eligibleAuthrole && !eligibleAuthrole->contains(i.authrole))
            return false;
        if (excludeAuthrole && excludeAuthrole->contains(i.authrole))
            return false;
        return true;
    }
};

/// Reads an ID list option; returns the problem text on a bad value.
QString readIds(const Dict &options, const QString &key, std::optional<QSet<quint64>> &out)
{
    const auto it = options.constFind(key);
    if (it == options.constEnd())
        return {};
    const List *list = it->listPtr();
    if (!list)
        return QStringLiteral("option %1 must be a list of session IDs, got %2").arg(key, it->kindName());
    QSet<quint64> set;
    for (const Value &v : *list) {
        const auto id = v.toUInt64();
        if (!id || !isValidId(*id))
            return QStringLiteral("option %1 must be a list of session IDs, got %2").arg(key, v.toDebugString());
        set.insert(*id);
    }
    out = std::move(set);
    return {};
}

QString readStrings(const Dict &options, const QString &key, std::optional<QSet<QString>> &out)
{
    const auto it = options.constFind(key);
    if (it == options.constEnd())
        return {};
    const List *list = it->listPtr();
    if (!list)
        return QStringLiteral("option %1 must be a list of strings, got %2").arg(key, it->kindName());
    QSet<QString> set;
    for (const Value &v : *list) {
        if (!v.isString())
            return QStringLiteral("option %1 must be a list of strings, got %2").arg(key, v.toDebugString());
        set.insert(v.toString());
    }
    out = std::move(set);
    return {};
}

/// A known boolean option; a present non-boolean is reported.
QString readBool(const Dict &options, const QString &key, bool &out)
{
    const auto it = options.constFind(key);
    if (it == options.constEnd())
        return {};
    if (!it->isBool())
        return QStringLiteral("option %1 must be a boolean, got %2").arg(key, it->toDebugString());
    out = it->toBool();
    return {};
}

} // namespace

Broker::Broker(Realm &realm, RouterStats &stats) : m_realm(realm), m_stats(stats) {}

Broker::~Broker() = default;

Dict Broker::features()
{
    return Dict{
        {QStringLiteral("publisher_identification"), true},
        {QStringLiteral("publisher_exclusion"), true},
        {QStringLiteral("subscriber_blackwhite_listing"), true},
        {QStringLiteral("pattern_based_subscription"), true},
    };
}

QHash<QString, Broker::Subscription *> &Broker::index(MatchPolicy policy)
{
    switch (policy) {
    case MatchPolicy::Prefix: return m_prefix;
    case MatchPolicy::Wildcard: return m_wildcard;
    case MatchPolicy::Exact: break;
    }
    return m_exact;
}

quint64 Broker::newSubscriptionId() const
{
    quint64 id = randomId();
    while (m_byId.count(id))
        id = randomId();
    return id;
}

void Broker::onSubscribe(RouterSession &session, const Message &m)
{
    const quint64 request = m.requestId();
    const Dict options = m.dict();
    const QString topic = m.uri();
    const Value matchValue = options.value(QStringLiteral("match"));
    std::optional<MatchPolicy> policy = MatchPolicy::Exact;
    if (!matchValue.isNull())
        policy = matchValue.isString() ? parseMatchPolicy(matchValue.toString()) : std::nullopt;
    if (!policy) {
        session.send(Message::error(MessageType::Subscribe, request, {}, uris::invalidArgument,
                                    {QStringLiteral("option match must be \"exact\", \"prefix\" or \"wildcard\", got %1")
                                         .arg(matchValue.toDebugString())}));
        return;
    }
    const QString problem = uriProblem(topic, UriStrictness::Loose, emptyComponentsFor(*policy));
    if (!problem.isEmpty()) {
        session.send(Message::error(MessageType::Subscribe, request, {}, uris::invalidUri, {problem}));
        return;
    }
    QHash<QString, Subscription *> &idx = index(*policy);
    Subscription *sub = idx.value(topic);
    if (!sub) {
        auto owned = std::make_unique<Subscription>();
        owned->id = newSubscriptionId();
        owned->uri = topic;
        owned->match = *policy;
        sub = owned.get();
        m_byId.emplace(sub->id, std::move(owned));
        idx.insert(topic, sub);
    }
    if (!sub->subscribers.contains(&session)) {
        sub->subscribers.append(&session);
        m_bySession[&session].insert(sub->id);
    }
    session.send(Message::subscribed(request, sub->id));
}

void Broker::removeSubscriber(Subscription *sub, RouterSession *session)
{
    sub->subscribers.removeOne(session);
    if (sub->subscribers.isEmpty()) {
        index(sub->match).remove(sub->uri);
        m_byId.erase(sub->id); // deletes sub
    }
}

void Broker::onUnsubscribe(RouterSession &session, const Message &m)
{
    const quint64 request = m.requestId();
    const quint64 subId = m.at(2).toUInt64().value_or(0);
    const auto it = m_byId.find(subId);
    if (it == m_byId.end() || !it->second->subscribers.contains(&session)) {
        session.send(Message::error(MessageType::Unsubscribe, request, {}, uris::noSuchSubscription,
                                    {QStringLiteral("no subscription %1 held by this session").arg(subId)}));
        return;
    }
    auto bs = m_bySession.find(&session);
    if (bs != m_bySession.end()) {
        bs->remove(subId);
        if (bs->isEmpty())
            m_bySession.erase(bs);
    }
    removeSubscriber(it->second.get(), &session);
    session.send(Message::unsubscribed(request));
}

void Broker::removeSession(RouterSession *session)
{
    const QSet<quint64> ids = m_bySession.take(session);
    for (quint64 id : ids) {
        const auto it = m_byId.find(id);
        if (it != m_byId.end())
            removeSubscriber(it->second.get(), session);
    }
}

void Broker::onPublish(RouterSession &publisher, const Message &m)
{
    const quint64 request = m.requestId();
    const Dict options = m.dict();
    const QString topic = m.uri();
    bool acknowledge = false;
    if (options.value(QStringLiteral("acknowledge")).isBool())
        acknowledge = options.value(QStringLiteral("acknowledge")).toBool();
    auto refuse = [&](const QString &error, const QString &text) {
        // Without acknowledge a refused publication is silent (wamp-notes §10.1).
        if (acknowledge)
            publisher.send(Message::error(MessageType::Publish, request, {}, error, {text}));
        else
            qCDebug(lcRouter) << "session" << publisher.id() << "publication refused silently:" << text;
    };

    const QString problem = uriProblem(topic);
    if (!problem.isEmpty())
        return refuse(uris::invalidUri, problem);
    if (isReservedUri(topic))
        return refuse(uris::invalidUri,
                      QStringLiteral("topic \"%1\" is in the reserved \"wamp.\" namespace").arg(topic));

    bool excludeMe = true;
    bool discloseMe = false;
    Filters filters;
    QString bad = readBool(options, QStringLiteral("exclude_me"), excludeMe);
    if (bad.isEmpty()) bad = readBool(options, QStringLiteral("disclose_me"), discloseMe);
    if (bad.isEmpty()) bad = readIds(options, QStringLiteral("eligible"), filters.eligible);
    if (bad.isEmpty()) bad = readIds(options, QStringLiteral("exclude"), filters.exclude);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("eligible_authid"), filters.eligibleAuthid);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("exclude_authid"), filters.excludeAuthid);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("eligible_authrole"), filters.eligibleAuthrole);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("exclude_authrole"), filters.excludeAuthrole);
    if (!bad.isEmpty())
        return refuse(uris::invalidArgument, bad);

    const quint64 publication = randomId();
    ++m_stats.publications;

    // Every matching subscription gets one EVENT (no precedence for pub/sub).
    QList<Subscription *> matches;
    if (Subscription *s = m_exact.value(topic))
        matches.append(s);
    for (auto it = m_prefix.cbegin(); it != m_prefix.cend(); ++it) {
        if (topic.startsWith(it.key()))
            matches.append(it.value());
    }
    for (auto it = m_wildcard.cbegin(); it != m_wildcard.cend(); ++it) {
        if (uriMatches(topic, it.key(), MatchPolicy::Wildcard))
            matches.append(it.value());
    }

    const List args = m.args();
    const Dict kwargs = m.kwargs();
    const bool filtering = filters.any();
    for (Subscription *sub : std::as_const(matches)) {
        Dict details;
        if (sub->match != MatchPolicy::Exact)
            details.insert(QStringLiteral("topic"), topic);
        if (discloseMe) {
            details.insert(QStringLiteral("publisher"), publisher.id());
            details.insert(QStringLiteral("publisher_authid"), publisher.info().authid);
            details.insert(QStringLiteral("publisher_authrole"), publisher.info().authrole);
        }
        const Value event = Message::event(sub->id, publication, details, args, kwargs).toValue();
        // One encoding per serializer, shared by every subscriber of this subscription using it.
        std::array<QByteArray, 4> encoded;
        // Copy (cheap, implicitly shared): a send may drop a slow subscriber, whose cleanup runs later anyway.
        const QList<RouterSession *> subscribers = sub->subscribers;
        for (RouterSession *r : subscribers) {
            if (excludeMe && r == &publisher)
                continue;
            if (!r->isEstablished() || (filtering && !filters.accepts(*r)))
                continue;
            const codec::Serializer *ser = r->serializer();
            if (!ser)
                continue;
            QByteArray &bytes = encoded[size_t(ser->id()) % encoded.size()];
            if (bytes.isNull()) {
                bytes = ser->encode(event);
                ++m_stats.eventsEncoded;
            }
            const auto result = r->sendEncoded(bytes);
            if (result == RouterSession::SendResult::Sent)
                ++m_stats.eventsSent;
            else if (result == RouterSession::SendResult::TooLarge)
                qCInfo(lcRouter) << "EVENT for" << topic << "too large for session" << r->id() << "- dropped";
        }
    }

    if (acknowledge)
        publisher.send(Message::published(request, publication));
}

} // namespace wb::router
