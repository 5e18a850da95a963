#include <linux/module.h>
#include <linux/export-internal.h>
#include <linux/compiler.h>

MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};



static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x2413fe15, "wake_up_process" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x8b8059bd, "in_group_p" },
	{ 0x122c3a7e, "_printk" },
	{ 0x6d334118, "__get_user_8" },
	{ 0x1000e51, "schedule" },
	{ 0xf0fdf6cb, "__stack_chk_fail" },
	{ 0x296695f, "refcount_warn_saturate" },
	{ 0xefd5d5e, "make_kuid" },
	{ 0xb2fd5ceb, "__put_user_4" },
	{ 0xc57c48a3, "idr_get_next" },
	{ 0xcdbe9cef, "const_pcpu_hot" },
	{ 0xc6cbbc89, "capable" },
	{ 0xd626c225, "module_put" },
	{ 0x9e58ba2, "compat_ptr_ioctl" },
	{ 0x7665a95b, "idr_remove" },
	{ 0xedaa9a8e, "__task_pid_nr_ns" },
	{ 0x57bc19d2, "down_write" },
	{ 0xce807a25, "up_write" },
	{ 0xb8f11603, "idr_alloc" },
	{ 0x2469810f, "__rcu_read_unlock" },
	{ 0x862d2a95, "noop_llseek" },
	{ 0x1a79c8e9, "__x86_indirect_thunk_r13" },
	{ 0x950eb34e, "__list_del_entry_valid_or_report" },
	{ 0x22740505, "ns_capable" },
	{ 0x449ad0a7, "memcmp" },
	{ 0x75ca79b5, "__fortify_panic" },
	{ 0x8e17b3ae, "idr_destroy" },
	{ 0xfb578fc5, "memset" },
	{ 0xb8e7ce2c, "__put_user_8" },
	{ 0xb202f0d7, "rht_bucket_nested_insert" },
	{ 0xb1fc0a98, "misc_register" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x6b10bee1, "_copy_to_user" },
	{ 0xe82e317e, "make_kgid" },
	{ 0x2a5ea9ef, "rhashtable_destroy" },
	{ 0x2e183a52, "from_kgid_munged" },
	{ 0x4b332a38, "USER_PTR_MAX" },
	{ 0xb609be75, "pv_ops" },
	{ 0x953e1b9e, "ktime_get_real_seconds" },
	{ 0xe0313d71, "rhashtable_insert_slow" },
	{ 0x28aa6a67, "call_rcu" },
	{ 0x28839c12, "rhashtable_init_noprof" },
	{ 0x4bea682f, "init_user_ns" },
	{ 0x6729d3df, "__get_user_4" },
	{ 0xc25f21b, "__kmalloc_cache_noprof" },
	{ 0xabf53b48, "rep_stos_alternative" },
	{ 0xf6cf74a6, "from_kuid_munged" },
	{ 0x60a13e90, "rcu_barrier" },
	{ 0xb5b54b34, "_raw_spin_unlock" },
	{ 0xb7f990e9, "rht_bucket_nested" },
	{ 0xd4ec10e6, "BUG_func" },
	{ 0xa12d2260, "kmalloc_caches" },
	{ 0x2d3385d3, "system_wq" },
	{ 0xbc0abe7b, "param_ops_ullong" },
	{ 0x88db9f48, "__check_object_size" },
	{ 0x7b4da6ff, "__init_rwsem" },
	{ 0xc145dc1e, "misc_deregister" },
	{ 0x7696f8c7, "__list_add_valid_or_report" },
	{ 0xd0d156e9, "__rht_bucket_nested" },
	{ 0x20978fb9, "idr_find" },
	{ 0x13c49cc2, "_copy_from_user" },
	{ 0x8d522714, "__rcu_read_lock" },
	{ 0x52c5c991, "__kmalloc_noprof" },
	{ 0xc5b6f236, "queue_work_on" },
	{ 0x48d88a2c, "__SCT__preempt_schedule" },
	{ 0x7b82b9a1, "idr_replace" },
	{ 0x398f4983, "__put_task_struct" },
	{ 0xbfc1d1a, "check_zeroed_user" },
	{ 0x37a0cba, "kfree" },
	{ 0x8d3448e3, "pcpu_hot" },
	{ 0x88fe8b34, "__module_get" },
	{ 0xba8fbd64, "_raw_spin_lock" },
	{ 0x5002fa32, "module_layout" },
};

MODULE_INFO(depends, "");

