<?php

$MESS['RETAILLAB_CASHBACK_REINDEX_INTRO'] = 'Re-reads the phones of every site user into the cashback phone index that registers use to find a customer. Runs in steps; if interrupted, it resumes where it stopped.';
$MESS['RETAILLAB_CASHBACK_REINDEX_RUNNING'] = 'Reindexing phones…';
$MESS['RETAILLAB_CASHBACK_REINDEX_PAUSED'] = 'Reindex paused';
$MESS['RETAILLAB_CASHBACK_REINDEX_DONE'] = 'Reindex finished';
$MESS['RETAILLAB_CASHBACK_REINDEX_DONE_WITH_ERRORS'] = 'Reindex finished with errors';
$MESS['RETAILLAB_CASHBACK_REINDEX_COUNTS'] = 'Users processed: #DONE# of #TOTAL# (succeeded: #PROCESSED#, failed: #FAILED#).';
$MESS['RETAILLAB_CASHBACK_REINDEX_ERROR_ITEM'] = 'User #USER_ID#: #MESSAGE#';
$MESS['RETAILLAB_CASHBACK_REINDEX_MORE_ERRORS'] = '…and #COUNT# more errors.';
$MESS['RETAILLAB_CASHBACK_REINDEX_START'] = 'Start';
$MESS['RETAILLAB_CASHBACK_REINDEX_RESTART'] = 'Start over';
$MESS['RETAILLAB_CASHBACK_REINDEX_CONTINUE'] = 'Continue';
$MESS['RETAILLAB_CASHBACK_REINDEX_PAUSE'] = 'Pause';
$MESS['RETAILLAB_CASHBACK_REINDEX_RESET'] = 'Reset';
