<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

use Bitrix\Main\UserTable;

/** UserIdSource on Bitrix's b_user, read through the ORM (reading users is what UserTable is for). */
final class BitrixUserIdSource implements UserIdSource
{
    public function idsAfter(int $afterId, int $limit): array
    {
        $ids = [];
        $rows = UserTable::getList([
            'select' => ['ID'],
            'filter' => ['>ID' => $afterId],
            'order' => ['ID' => 'ASC'],
            'limit' => $limit,
        ]);
        while ($row = $rows->fetch()) {
            $ids[] = (int) $row['ID'];
        }
        return $ids;
    }

    public function count(): int
    {
        return (int) UserTable::getCount();
    }
}
