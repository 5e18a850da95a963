#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
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

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif


static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x420ac82d, "param_ops_ullong" },
	{ 0x185d46d5, "clear_user_rep_good" },
	{ 0x88db9f48, "__check_object_size" },
	{ 0x7b4da6ff, "__init_rwsem" },
	{ 0x6a45ac49, "misc_deregister" },
	{ 0xd0d156e9, "__rht_bucket_nested" },
	{ 0x20978fb9, "idr_find" },
	{ 0x13c49cc2, "_copy_from_user" },
	{ 0x8d522714, "__rcu_read_lock" },
	{ 0xc5b6f236, "queue_work_on" },
	{ 0x48d88a2c, "__SCT__preempt_schedule" },
	{ 0x7b82b9a1, "idr_replace" },
	{ 0x2485ec53, "__put_task_struct" },
	{ 0xbfc1d1a, "check_zeroed_user" },
	{ 0x37a0cba, "kfree" },
	{ 0x4b5acf74, "rhashtable_init" },
	{ 0x77ad611d, "__module_get" },
	{ 0xba8fbd64, "_raw_spin_lock" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x436b7c64, "wake_up_process" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x8b8059bd, "in_group_p" },
	{ 0x92997ed8, "_printk" },
	{ 0x6d334118, "__get_user_8" },
	{ 0x1000e51, "schedule" },
	{ 0xa19b956, "__stack_chk_fail" },
	{ 0x296695f, "refcount_warn_saturate" },
	{ 0xf0e52e56, "clear_user_original" },
	{ 0xf8f5ac4c, "make_kuid" },
	{ 0xb2fd5ceb, "__put_user_4" },
	{ 0xc57c48a3, "idr_get_next" },
	{ 0xc6cbbc89, "capable" },
	{ 0x8e9d2228, "module_put" },
	{ 0x8a547ab7, "compat_ptr_ioctl" },
	{ 0x7665a95b, "idr_remove" },
	{ 0x62225cb1, "__task_pid_nr_ns" },
	{ 0x68f31cbd, "__list_add_valid" },
	{ 0x57bc19d2, "down_write" },
	{ 0xce807a25, "up_write" },
	{ 0xb8f11603, "idr_alloc" },
	{ 0x2469810f, "__rcu_read_unlock" },
	{ 0x4e641f55, "noop_llseek" },
	{ 0x1a79c8e9, "__x86_indirect_thunk_r13" },
	{ 0xbecab81f, "clear_user_erms" },
	{ 0x4aac7b36, "ns_capable" },
	{ 0x449ad0a7, "memcmp" },
	{ 0xe1537255, "__list_del_entry_valid" },
	{ 0x3c3fce39, "__local_bh_enable_ip" },
	{ 0x64bfec33, "current_task" },
	{ 0x8e17b3ae, "idr_destroy" },
	{ 0xfb578fc5, "memset" },
	{ 0xb8e7ce2c, "__put_user_8" },
	{ 0xb202f0d7, "rht_bucket_nested_insert" },
	{ 0x1e1dfe5f, "misc_register" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x6b10bee1, "_copy_to_user" },
	{ 0x1238e04a, "make_kgid" },
	{ 0x2a5ea9ef, "rhashtable_destroy" },
	{ 0xa66fa096, "from_kgid_munged" },
	{ 0x953e1b9e, "ktime_get_real_seconds" },
	{ 0xe0313d71, "rhashtable_insert_slow" },
	{ 0x28aa6a67, "call_rcu" },
	{ 0x4629334c, "__preempt_count" },
	{ 0xfbf972dd, "init_user_ns" },
	{ 0x6729d3df, "__get_user_4" },
	{ 0x8ebe7a48, "from_kuid_munged" },
	{ 0x170241ed, "kmalloc_trace" },
	{ 0x60a13e90, "rcu_barrier" },
	{ 0xb5b54b34, "_raw_spin_unlock" },
	{ 0xb7f990e9, "rht_bucket_nested" },
	{ 0xeb233a45, "__kmalloc" },
	{ 0x33ef9941, "kmalloc_caches" },
	{ 0x2d3385d3, "system_wq" },
	{ 0xbce1a965, "module_layout" },
};

MODULE_INFO(depends, "");

