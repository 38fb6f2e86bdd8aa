// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventstore.h"

#include "wamp/uri.h"

namespace wb::router {

using namespace wb::wamp;

EventStore::EventStore(int maxRetained) : m_maxRetained(maxRetained) {}

void EventStore::enableHistory(quint64 subscription, int limit)
{
    m_history[subscription].limit = qMax(1, limit);
}

void EventStore::record(quint64 subscription, const Event &event)
{
    const auto it = m_history.find(subscription);
    if (it == m_history.end())
        return;
    History &h = it->second;
    h.events.push_back(event);
    while (int(h.events.size()) > h.limit)
        h.events.pop_front();
}

int EventStore::historySize(quint64 subscription) const
{
    const auto it = m_history.find(subscription);
    return it == m_history.end() ? 0 : int(it->second.events.size());
}

std::optional<List> EventStore::events(quint64 subscription, int limit) const
{
    const auto it = m_history.find(subscription);
    if (it == m_history.end())
        return std::nullopt;
    const std::deque<Event> &events = it->second.events;
    List out;
    const int n = qMin(qMax(limit, 0), int(events.size()));
    out.reserve(n);
    for (int i = 0; i < n; ++i) {
        const Event &e = events.at(events.size() - 1 - size_t(i));
        Dict d{
            {QStringLiteral("timestamp"), e.timestamp.toString(Qt::ISODateWithMs)},
            {QStringLiteral("subscription"), subscription},
            {QStringLiteral("publication"), e.publication},
            {QStringLiteral("topic"), e.topic},
            {QStringLiteral("args"), e.args},
            {QStringLiteral("kwargs"), e.kwargs},
        };
        for (auto p = e.publisher.cbegin(); p != e.publisher.cend(); ++p)
            d.insert(p.key(), p.value());
        out.append(Value(std::move(d)));
    }
    return out;
}

void EventStore::retain(const QString &topic, Retained retained)
{
    if (m_maxRetained <= 0)
        return;
    if (m_retained.contains(topic))
        m_retainedOrder.removeOne(topic);
    m_retained.insert(topic, std::move(retained));
    m_retainedOrder.append(topic);
    while (m_retainedOrder.size() > m_maxRetained)
        m_retained.remove(m_retainedOrder.takeFirst());
}

QList<const EventStore::Retained *> EventStore::retainedMatching(const QString &pattern, MatchPolicy p) const
{
    QList<const Retained *> out;
    if (p == MatchPolicy::Exact) {
        const auto it = m_retained.constFind(pattern);
        if (it != m_retained.constEnd())
            out.append(&*it);
        return out;
    }
    for (const QString &topic : m_retainedOrder) {
        if (uriMatches(topic, pattern, p))
            out.append(&*m_retained.constFind(topic));
    }
    return out;
}

} // namespace wb::router
