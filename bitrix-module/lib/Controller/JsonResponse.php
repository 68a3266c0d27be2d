<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Controller;

use Bitrix\Main\Engine\Response\Json;
use Cashback\Api\JsonEncoder;

/**
 * The controller's answer: a Response\Json (what Bitrix expects a controller to
 * return, sent with Content-Type: application/json; charset=UTF-8) whose body is
 * encoded by the shared JsonEncoder, the standalone host's encoder, instead of
 * Bitrix\Main\Web\Json::encode(). That one, on an installation not in UTF-8
 * mode, converts every string from SITE_CHARSET to UTF-8 (the API's strings are
 * UTF-8 already and would come out garbled), and it leaves floats to
 * serialize_precision (17 in old php.ini files prints 0.07 as 0.070000000000000007).
 *
 * Response\Json's constructor hands the data to setData(); this override is the
 * only change.
 */
final class JsonResponse extends Json
{
    public function __construct(array $body)
    {
        parent::__construct($body);
    }

    public function setData($data)
    {
        $this->data = JsonEncoder::encode($data);
        return $this->setContent($this->data);
    }
}
