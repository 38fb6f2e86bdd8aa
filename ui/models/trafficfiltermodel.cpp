// SPDX-License-Identifier: GPL-3.0-or-later
#include "trafficfiltermodel.h"

#include "trafficmodel.h"

namespace wb::ui {

using capture::CaptureRecord;

TrafficFilterModel::TrafficFilterModel(TrafficModel *source, QObject *parent)
    : QSortFilterProxyModel(parent), m_source(source)
{
    setSourceModel(source);
}

void TrafficFilterModel::setConnectionFilter(int connection)
{
    m_sourceFilter = connection < 0 ? -1 : qint64(m_source->store()->connectionSource(capture::ConnectionId(connection)));
    invalidateFilter();
}

void TrafficFilterModel::setTypeFilter(int typeCode)
{
    m_type = typeCode;
    invalidateFilter();
}

void TrafficFilterModel::setTextFilter(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void TrafficFilterModel::setFlaggedOnly(bool on)
{
    m_flaggedOnly = on;
    invalidateFilter();
}

bool TrafficFilterModel::isFiltering() const
{
    return m_sourceFilter >= 0 || m_type != 0 || !m_text.isEmpty() || m_flaggedOnly;
}

bool TrafficFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (!isFiltering())
        return true;
    const quint64 seq = m_source->seqAt(sourceRow);
    const capture::CaptureStore *store = m_source->store();
    if (!seq || !store->contains(seq))
        return false;
    const CaptureRecord &r = store->at(seq);
    if (m_sourceFilter >= 0 && store->connectionSource(r.connection) != quint32(m_sourceFilter))
        return false;
    if (m_type != 0 && r.type != m_type)
        return false;
    if (m_flaggedOnly && !r.violation)
        return false;
    if (m_text.isEmpty())
        return true;
    if (store->uri(r.uri).contains(m_text, Qt::CaseInsensitive))
        return true;
    if (r.requestId && QString::number(r.requestId) == m_text)
        return true;
    if (r.type && wamp::Message::typeName(qint64(r.type)).contains(m_text, Qt::CaseInsensitive))
        return true;
    if (r.violation && store->violationReason(seq).contains(m_text, Qt::CaseInsensitive))
        return true;
    return false;
}

} // namespace wb::ui
