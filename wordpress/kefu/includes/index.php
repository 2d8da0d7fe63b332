<?php
/**
 * Silence is golden.
 *
 * @package Kefu
 */
