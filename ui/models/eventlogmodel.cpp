// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/eventlogmodel.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>

namespace wb::ui {

EventLogModel::EventLogModel(const inspect::ReceivedEventLog *store, QObject *parent) : QAbstractTableModel(parent), m_store(store)
{
    m_first = m_end = m_scanned = store->firstSeq();
}

void EventLogModel::setFilter(const inspect::EventFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    m_rows.clear();
    m_first = m_end = m_store->firstSeq();
    m_scanned = m_store->firstSeq();
    endResetModel();
}

void EventLogModel::setPaused(bool paused)
{
    m_paused = paused;
}

void EventLogModel::resetFromStore()
{
    beginResetModel();
    m_rows.clear();
    m_first = m_end = m_scanned = m_store->firstSeq();
    endResetModel();
}

bool EventLogModel::isScanning() const
{
    return filtered() && m_scanned < m_store->endSeq();
}

int EventLogModel::refresh()
{
    const quint64 storeFirst = m_store->firstSeq();
    const quint64 storeEnd = m_store->endSeq();
    if (!filtered()) {
        if (m_first < storeFirst) {
            const quint64 dropEnd = qMin(storeFirst, m_end);
            if (dropEnd > m_first) {
                beginRemoveRows({}, 0, int(dropEnd - m_first) - 1);
                m_first = dropEnd;
                endRemoveRows();
            }
            if (m_first < storeFirst) // also everything between (never shown)
                m_first = m_end = storeFirst;
        }
        if (m_paused || storeEnd <= m_end)
            return 0;
        const int n = int(storeEnd - m_end);
        beginInsertRows({}, rowCount(), rowCount() + n - 1);
        m_end = storeEnd;
        endInsertRows();
        return n;
    }

    // filtered
    size_t drop = 0;
    while (drop < m_rows.size() && m_rows[drop] < storeFirst)
        ++drop;
    if (drop > 0) {
        beginRemoveRows({}, 0, int(drop) - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + qsizetype(drop));
        endRemoveRows();
    }
    if (m_scanned < storeFirst)
        m_scanned = storeFirst;
    if (m_paused || m_scanned >= storeEnd)
        return 0;
    std::vector<quint64> found;
    QElapsedTimer budget;
    budget.start();
    const bool costly = m_filter.needsPayload();
    quint64 q = m_scanned;
    for (; q < storeEnd; ++q) {
        if (m_filter.matches(*m_store, q))
            found.push_back(q);
        if (costly && (q & 255) == 255 && budget.elapsed() >= m_scanBudgetMs) {
            ++q;
            break;
        }
    }
    m_scanned = q;
    if (found.empty())
        return 0;
    const int first = rowCount();
    beginInsertRows({}, first, first + int(found.size()) - 1);
    m_rows.insert(m_rows.end(), found.begin(), found.end());
    endInsertRows();
    return int(found.size());
}

quint64 EventLogModel::seqAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return ~quint64(0);
    return filtered() ? m_rows[size_t(row)] : m_first + quint64(row);
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return filtered() ? int(m_rows.size()) : int(m_end - m_first);
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const quint64 seq = seqAt(index.row());
    if (role == SeqRole)
        return QVariant::fromValue(seq);
    if (!m_store->contains(seq))
        return {};
    const inspect::ReceivedEventLog::Record &r = m_store->record(seq);
    if (role == Qt::TextAlignmentRole && index.column() == SizeColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(r.timeMs).toString(QStringLiteral("HH:mm:ss.zzz"));
    case TopicColumn:
        return m_store->topicName(r.topic);
    case PublisherColumn:
        return r.publisher ? QVariant(QString::number(r.publisher)) : QVariant();
    case PayloadColumn:
        return m_store->preview(seq, role == Qt::ToolTipRole ? 2000 : 200);
    case SizeColumn:
        return r.wireSize ? r.wireSize : r.length;
    default:
        return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn: return tr("Time");
    case TopicColumn: return tr("Topic");
    case PublisherColumn: return tr("Publisher");
    case PayloadColumn: return tr("Args / kwargs");
    case SizeColumn: return tr("Size");
    default: return {};
    }
}

} // namespace wb::ui
