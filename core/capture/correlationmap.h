// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to CaptureStore: the correlation maps, keyed by (connection, ID) with the full 32-bit connection (the
// old key kept 10 bits of it, so connection 1024 collided with connection 0), bounded by dropping the OLDEST
// entries (in insertion order; a QHash alone can only drop an arbitrary one).

#include "capture/capturerecord.h"

#include <QHash>

#include <deque>
#include <utility>

namespace wb::capture::detail {

struct ConnKey
{
    ConnectionId connection = 0;
    quint64 id = 0;
    friend bool operator==(const ConnKey &a, const ConnKey &b) { return a.connection == b.connection && a.id == b.id; }
    friend size_t qHash(const ConnKey &k, size_t seed = 0) { return qHashMulti(seed, k.connection, k.id); }
};

template<typename V>
class CorrelationMap
{
public:
    explicit CorrelationMap(qsizetype maxEntries) : m_max(maxEntries) {}

    void insert(const ConnKey &k, const V &v)
    {
        Entry &e = m_map[k];
        e.value = v;
        e.order = ++m_counter;
        m_order.emplace_back(k, e.order);
        trim();
    }
    const V *find(const ConnKey &k) const
    {
        const auto it = m_map.constFind(k);
        return it == m_map.cend() ? nullptr : &it->value;
    }
    V value(const ConnKey &k) const
    {
        const V *v = find(k);
        return v ? *v : V{};
    }
    V take(const ConnKey &k)
    {
        const auto it = m_map.find(k);
        if (it == m_map.end())
            return V{};
        V v = it->value;
        m_map.erase(it);
        return v;
    }
    bool remove(const ConnKey &k) { return m_map.remove(k) > 0; }
    qsizetype size() const { return m_map.size(); }
    bool contains(const ConnKey &k) const { return m_map.contains(k); }
    void removeConnection(ConnectionId c)
    {
        for (auto it = m_map.begin(); it != m_map.end();) {
            if (it.key().connection == c)
                it = m_map.erase(it);
            else
                ++it;
        }
    }

private:
    struct Entry
    {
        V value{};
        quint64 order = 0;
    };
    void trim()
    {
        while (m_map.size() > m_max && !m_order.empty()) {
            const auto [k, order] = m_order.front();
            m_order.pop_front();
            const auto it = m_map.find(k);
            if (it != m_map.end() && it->order == order)
                m_map.erase(it);
        }
        // Answered entries leave stale order records behind; drop them once they outnumber the live ones.
        if (m_order.size() > size_t(2 * m_map.size() + 1024)) {
            std::deque<std::pair<ConnKey, quint64>> live;
            for (const auto &[k, order] : m_order) {
                const auto it = m_map.constFind(k);
                if (it != m_map.cend() && it->order == order)
                    live.emplace_back(k, order);
            }
            m_order.swap(live);
        }
    }

    qsizetype m_max;
    QHash<ConnKey, Entry> m_map;
    std::deque<std::pair<ConnKey, quint64>> m_order; ///< (key, insertion number), oldest first
    quint64 m_counter = 0;
};

} // namespace wb::capture::detail
