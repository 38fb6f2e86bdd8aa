// SPDX-License-Identifier: GPL-3.0-or-later
#include "routerlog.h"

#include <QMutexLocker>

namespace wb::router {

RouterLog::RouterLog(int capacity) : m_capacity(qMax(1, capacity)) {}

quint64 RouterLog::append(const QString &text)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QMutexLocker lock(&m_mutex);
    m_lines.push_back(RouterLogLine{++m_lastSeq, now, text});
    while (int(m_lines.size()) > m_capacity)
        m_lines.pop_front();
    return m_lastSeq;
}

RouterLogBatch RouterLog::since(quint64 afterSeq, int max) const
{
    RouterLogBatch batch;
    QMutexLocker lock(&m_mutex);
    if (m_lastSeq <= afterSeq)
        return batch;
    const quint64 wanted = m_lastSeq - afterSeq;
    quint64 available = 0;
    for (auto it = m_lines.crbegin(); it != m_lines.crend() && it->seq > afterSeq; ++it)
        ++available;
    quint64 take = available;
    if (max >= 0 && take > quint64(max))
        take = quint64(max);
    batch.dropped = wanted - take;
    batch.lines.reserve(qsizetype(take));
    for (auto it = m_lines.cend() - qsizetype(take); it != m_lines.cend(); ++it)
        batch.lines.append(*it);
    return batch;
}

quint64 RouterLog::lastSeq() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastSeq;
}

int RouterLog::size() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_lines.size());
}

} // namespace wb::router
