<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Admin;

/**
 * The site's users, as the reindex walks them: ids in ascending order, a page
 * at a time after a given id (keyset paging, stable while users are added or
 * deleted). BitrixUserIdSource reads Bitrix\Main\UserTable.
 */
interface UserIdSource
{
    /** @return list<int> Up to $limit user ids greater than $afterId, ascending. */
    public function idsAfter(int $afterId, int $limit): array;

    /** How many users there are now (for the progress bar only). */
    public function count(): int;
}
